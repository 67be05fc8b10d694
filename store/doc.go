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
// succeeded. [DB.Migrate] applies what is pending as one group and
// [DB.MigrateTo] up to a version; [DB.Rollback] undoes the last group and
// [DB.RollbackTo] everything after a version; [DB.MigrationStatus] and
// [DB.MigrationHistory] list them (the history also what the database
// applied that the build does not have), [DB.CheckMigrations] fails while
// any is pending, [DB.Stamp] marks migrations applied without running them
// once their tables are there, and [CreateMigration] writes a new pair of
// files into a folder. [RollbackPlan] and [StampPlan] say beforehand what
// a rollback or a stamp will do. A host service runs its own migrations
// beside the library's with [DB.MigrationSet]. Every run holds the
// migration lock of its database: on Postgres a session advisory lock
// (keyed by the current schema) on one connection, on SQLite a write
// transaction on a lock file beside the database file; so processes that
// start together migrate once.
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
// document, and [ImportFrom] imports one from a reader a record at a time,
// the document bounded by [ImportOptions].MaxBytes. An import names its
// target ([ImportOptions]): the document's own person, who must not exist
// yet unless Replace is set, a named person, or a new one; and it checks
// every record as the live API does. [CopyUsers] moves everyone with their
// IDs, writing only what differs.
// [DB.BackupTo] backs a store up while it is in use (SQLite: VACUUM INTO;
// Postgres: pg_dump in an exported snapshot, or a logical backup of every
// person's export document) with a [Manifest] of its time, schema version,
// row counts and checksum; [VerifyBackup] restores it into a scratch copy
// and checks it against the manifest; [DB.RestoreFrom] restores it, into
// an empty store unless told to replace; [PruneBackups] keeps N daily and
// M weekly backups of a folder. [DB.Backup] is the bare SQLite copy.
package store
