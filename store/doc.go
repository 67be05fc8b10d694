// Package store keeps LifeOps data in PostgreSQL or in an embedded SQLite
// file, behind every store port of package lifeops ([DB] implements
// lifeops.Store), with Bun as the query builder and bun/migrate for the
// schema.
//
// # Opening
//
// [Open] takes a postgres:// URL (pgx v5 through database/sql) or a SQLite
// file path or file: URL (modernc.org/sqlite, pure Go, opened with WAL,
// foreign keys on, a busy timeout and immediate write transactions). A host
// that has a pool already wraps it with [OpenDB] or [OpenBun]; closing such
// a DB leaves the pool to its owner. Opening never changes the schema.
//
// # Migrations
//
// The schema is embedded SQL, one folder per dialect (migrations/pg and
// migrations/sqlite) with the same versions and names, each file a .tx.
// file that runs in its own transaction and is marked applied only when it
// succeeded. [DB.Migrate] applies what is pending as one group,
// [DB.Rollback] undoes the last group, [DB.MigrationStatus] lists every
// migration, [DB.CheckMigrations] fails while any is pending, [DB.Stamp]
// marks migrations applied without running them and [CreateMigration]
// writes a new pair of files for both dialects. On Postgres a run holds a
// session advisory lock (keyed by the current schema) on one connection,
// so processes that start together migrate once.
//
// # Values
//
// Instants are timestamptz on Postgres and fixed-width UTC text on SQLite
// (2006-01-02T15:04:05.000000Z, so text order is time order); both keep
// microseconds ([Precision]), read back in UTC and hold the years 1 to
// 9999 (an instant outside them is refused; range bounds outside them
// leave that end open). Days are date or
// YYYY-MM-DD text, zones IANA names, decimals numeric or text (exact), and
// provider documents are kept byte for byte (json on Postgres). Text must
// be UTF-8 without NUL bytes: a string the store could not keep exactly is
// refused with a *lifeops.ValidationError naming its field, never stored
// altered.
// Credentials are sealed with AES-256-GCM under a caller's [Keyring] and
// never stored in plaintext.
//
// # Errors and transactions
//
// Every failure of the database is translated by driver code (a Postgres
// SQLSTATE or a SQLite extended result code, never message text) into an
// [*Error] whose Kind matches a lifeops sentinel with errors.Is: a taken
// key is lifeops.ErrConflict, a missing row or an unknown user
// lifeops.ErrNotFound, a refused value lifeops.ErrInvalid, a closed store
// or a cancelled context lifeops.ErrUnavailable. Serialization failures,
// deadlocks and busy locks are retried; each write is idempotent and each
// multi-row write is one transaction. [DB.InTx] groups several writes.
//
// # Bulk loads, moves and backups
//
// Heart rate goes in by COPY on Postgres (straight into the table when the
// range is empty, else through a staging table and one upsert) and by
// batched multi-row upserts on SQLite. [ExportUser] and [ImportUser] move
// one person between any two lifeops.Store values through a versioned JSON
// document, [CopyUsers] moves everyone, and [DB.Backup] copies a live
// SQLite file with VACUUM INTO.
package store
