package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

// TestOpenSQLite opens files with awkward names and checks that the file
// is the one named and that every connection of the pool has WAL, foreign
// keys and the busy timeout.
func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, name := range []string{"plain.db", "a b.db", "a?b.db", "a#b.db", "a%41.db", "x;y.db", "é.db"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), name)
			db, err := store.Open(ctx, path, &store.Options{MaxOpenConns: 3, BusyTimeout: 1234e6})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("the database is not at the path given: %v", err)
			}
			type settings struct {
				Journal             string
				ForeignKeys, BusyMS int
			}
			want := []settings{{"wal", 1, 1234}, {"wal", 1, 1234}, {"wal", 1, 1234}}
			var got []settings
			for range 3 { // hold three connections at once, so each is a different one
				conn, err := db.Bun().Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				var s settings
				for q, dst := range map[string]any{"PRAGMA journal_mode": &s.Journal, "PRAGMA foreign_keys": &s.ForeignKeys, "PRAGMA busy_timeout": &s.BusyMS} {
					if err := conn.QueryRowContext(ctx, q).Scan(dst); err != nil {
						t.Fatal(err)
					}
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("connection settings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOpenUnreachable: a database that cannot be reached is an error
// matching lifeops.ErrUnavailable, on both backends.
func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://postgres@127.0.0.1:1/test?connect_timeout=2",
		filepath.Join(t.TempDir(), "no", "such", "folder", "lifeops.db"),
	} {
		db, err := store.Open(ctx, dsn, nil)
		if !errors.Is(err, lifeops.ErrUnavailable) {
			t.Errorf("Open(%q) = %v, want an error matching ErrUnavailable", dsn, err)
		}
		if db != nil {
			db.Close()
		}
	}
}

// TestBackslashesOnPostgres: bun writes strings as standard SQL literals,
// where a backslash is an ordinary character. On a Postgres session with
// standard_conforming_strings off (a server, role or DSN setting) a
// backslash would escape instead: text would lose its backslashes and a
// crafted string could end its literal early. A store opened by Open
// turns the setting on; one wrapping a caller's pool refuses a pool that
// has it off.
func TestBackslashesOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t) + "&options=-c%20standard_conforming_strings%3Doff"
	db := mustMigrate(t, mustOpen(t, dsn))
	u := newUser(t, db)
	for _, key := range []string{`back\slash`, `end\`, `a\'b`, `\'); SELECT 1; --`} {
		got, _, err := db.AddXP(ctx, lifeops.XPEntry{UserID: u.ID, Key: key, Date: civil.D(2026, 1, 1), Kind: "x", CreatedAt: t0})
		if err != nil || got.Key != key {
			t.Errorf("AddXP key %q: stored %q, %v; want it exactly", key, got.Key, err)
		}
	}

	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	pool := stdlib.OpenDB(*cfg)
	defer pool.Close()
	if _, err := store.OpenDB(ctx, pool, nil); !errors.Is(err, lifeops.ErrInvalid) || !strings.Contains(err.Error(), "standard_conforming_strings") {
		t.Errorf("OpenDB of a pool with standard_conforming_strings off = %v, want a refusal naming the setting", err)
	}
}
