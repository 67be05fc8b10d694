package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// tableNames lists the tables of the store's schema, sorted: on Postgres
// those of current_schema(), on SQLite those of the main database but
// SQLite's own. The list comes from the catalog, so a table a migration
// adds is in it with no change here.
func (db *DB) tableNames(ctx context.Context, q bun.IDB) ([]string, error) {
	query := "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
	if db.dialect == Postgres {
		var schema sql.NullString
		if err := q.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return nil, err
		}
		if !schema.Valid {
			return nil, errNoSchema
		}
		query = "SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
			"WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1"
	}
	var names []string
	if err := q.NewRaw(query).Scan(ctx, &names); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return names, nil
}

// rowCounts counts the rows of every table of the store's schema on q.
func (db *DB) rowCounts(ctx context.Context, q bun.IDB) (map[string]int64, error) {
	names, err := db.tableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int64, len(names))
	for _, name := range names {
		var n int64
		if err := q.NewRaw("SELECT count(*) FROM ?", bun.Ident(name)).Scan(ctx, &n); err != nil {
			return nil, fmt.Errorf("count %s: %w", name, err)
		}
		counts[name] = n
	}
	return counts, nil
}

// RowCounts returns every table of the store's schema (the library's, the
// migration bookkeeping and any a host added) with its number of rows,
// all read in one transaction, so they are the counts of one moment.
func (db *DB) RowCounts(ctx context.Context) (map[string]int64, error) {
	var counts map[string]int64
	err := db.view(ctx, "count rows", func(tx *DB) error {
		var err error
		counts, err = tx.rowCounts(ctx, tx.idb())
		return err
	})
	return counts, err
}

// HoldsData reports whether any table but the migration bookkeeping
// tables named in bookkeeping (and the library's own, bun_migrations and
// bun_migration_locks) has a row.
func HoldsData(counts map[string]int64, bookkeeping ...string) bool {
	for t, n := range counts {
		if n > 0 && t != migrationsTable && t != migrationLocksTable && !slices.Contains(bookkeeping, t) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
