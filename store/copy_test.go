package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/store"
)

// rowVersions returns, per table of a Postgres store, every row's physical
// version (ctid and xmin): a row that is written again, even with the same
// values, gets a new one.
func rowVersions(tb testing.TB, db *store.DB) map[string][]string {
	tb.Helper()
	ctx := context.Background()
	var tables []string
	if err := db.Bun().NewRaw("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1").Scan(ctx, &tables); err != nil {
		tb.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		var versions []string
		if err := db.Bun().NewRaw("SELECT ctid::text || '/' || xmin::text FROM ? ORDER BY 1", bun.Ident(table)).Scan(ctx, &versions); err != nil && err != sql.ErrNoRows {
			tb.Fatal(err)
		}
		out[table] = versions
	}
	return out
}

// dataVersion reads SQLite's data_version of the file at path on a
// connection of its own: it changes when another connection commits a
// change to the file, and only then.
type dataVersion struct{ db *sql.DB }

func newDataVersion(tb testing.TB, path string) *dataVersion {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return &dataVersion{db: db}
}

func (d *dataVersion) read(tb testing.TB) int64 {
	tb.Helper()
	var v int64
	if err := d.db.QueryRow("PRAGMA data_version").Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

// TestCopyAgainRewritesNothing copies people between stores twice: the
// second copy writes nothing at all (no row gets a new version on
// Postgres, the SQLite file is not changed), and after one change at the
// source, a third copy writes that record alone.
func TestCopyAgainRewritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := &store.ExportOptions{Credentials: true}

	t.Run("sqlite to postgres", func(t *testing.T) {
		t.Parallel()
		src := mustMigrate(t, openSQLite(t))
		dst := mustMigrate(t, openPostgres(t))
		a, _ := fillUser(t, src), fillUser(t, src)
		first, err := store.CopyUsers(ctx, src, dst, opts)
		if err != nil || first.Users != 2 || first.HeartRate != 600 {
			t.Fatalf("first copy = %+v, %v", first, err)
		}
		before := rowVersions(t, dst)
		second, err := store.CopyUsers(ctx, src, dst, opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.CopyResult{Unchanged: 2}, second); diff != "" {
			t.Errorf("second copy (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, rowVersions(t, dst)); diff != "" {
			t.Errorf("the second copy rewrote rows (-before +after):\n%s", diff)
		}

		days, err := src.HealthDays(ctx, a.ID, civil.D(2026, 3, 28), civil.D(2026, 3, 29))
		if err != nil || len(days) == 0 {
			t.Fatalf("health days = %v, %v", days, err)
		}
		days[0].Steps = ptr(12345)
		if err := src.PutHealthDays(ctx, days[:1]); err != nil {
			t.Fatal(err)
		}
		third, err := store.CopyUsers(ctx, src, dst, opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.CopyResult{Users: 1, Unchanged: 1, ImportResult: store.ImportResult{HealthDays: 1}}, third); diff != "" {
			t.Errorf("third copy (-want +got):\n%s", diff)
		}
		after := rowVersions(t, dst)
		for table, versions := range before {
			if table == "health_days" {
				continue
			}
			if diff := cmp.Diff(versions, after[table]); diff != "" {
				t.Errorf("copying one changed health day rewrote %s (-before +after):\n%s", table, diff)
			}
		}
	})

	t.Run("postgres to sqlite", func(t *testing.T) {
		t.Parallel()
		src := mustMigrate(t, openPostgres(t))
		path := filepath.Join(t.TempDir(), "dst.db")
		dst := mustMigrate(t, mustOpen(t, path))
		u := fillUser(t, src)
		if _, err := store.CopyUsers(ctx, src, dst, opts); err != nil {
			t.Fatal(err)
		}
		watch := newDataVersion(t, path)
		v := watch.read(t)
		second, err := store.CopyUsers(ctx, src, dst, opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.CopyResult{Unchanged: 1}, second); diff != "" {
			t.Errorf("second copy (-want +got):\n%s", diff)
		}
		if got := watch.read(t); got != v {
			t.Errorf("the second copy changed the SQLite file (data_version %d, then %d)", v, got)
		}
		// A changed goal weight, with a decimal the backends spell
		// differently (2.50 and 2.5), is one change, copied once.
		g, err := src.Goals(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		g.Weights.Sleep = decimal.RequireFromString("1.50")
		if err := src.PutGoals(ctx, g); err != nil {
			t.Fatal(err)
		}
		third, err := store.CopyUsers(ctx, src, dst, opts)
		if err != nil || third.Users != 1 {
			t.Errorf("copy of a changed goal = %+v, %v", third, err)
		}
		v = watch.read(t)
		if fourth, err := store.CopyUsers(ctx, src, dst, opts); err != nil || fourth != (store.CopyResult{Unchanged: 1}) {
			t.Errorf("copy after the goal was copied = %+v, %v", fourth, err)
		}
		if got := watch.read(t); got != v {
			t.Errorf("copying again after the goal change changed the file")
		}
		if _, err := dst.User(ctx, u.ID); err != nil {
			t.Error(err)
		}
	})
}
