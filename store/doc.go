// Package store keeps LifeOps data in PostgreSQL or in an embedded SQLite
// file, behind the store ports of package lifeops, with Bun as the query
// builder and bun/migrate for the schema.
//
// Open a store with [Open] (a postgres:// URL or a SQLite file), or wrap a
// pool the host already has with [OpenDB] or [OpenBun]. Opening never
// changes the schema: call [DB.Migrate] when the host decides to.
//
// Every failure of the database is translated by driver code (a Postgres
// SQLSTATE or a SQLite extended result code) into an [*Error] whose Kind
// says what happened; transient lock and serialization failures of
// idempotent operations are retried.
package store
