package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store/pgtest"
)

type backendFn struct {
	name string
	dsn  func(tb testing.TB) string
}

var internalBackends = []backendFn{
	{"sqlite", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "t.db") }},
	{"postgres", func(tb testing.TB) string { return pgtest.Schema(tb) }},
}

// openRaw opens an unmigrated store for a test and closes it after.
func openRaw(tb testing.TB, dsn string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), dsn, &Options{MaxOpenConns: 3})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// models lists every row type with the table it maps to.
var models = []any{
	(*userRow)(nil), (*goalsRow)(nil), (*credentialRow)(nil), (*rawDocumentRow)(nil), (*healthDayRow)(nil),
	(*heartRateRow)(nil), (*syncStateRow)(nil), (*workDayRow)(nil), (*scoresRow)(nil), (*xpRow)(nil),
	(*achievementRow)(nil), (*itemRow)(nil), (*eventRow)(nil), (*zoneChangeRow)(nil), (*workSourceRow)(nil),
	(*deviceRow)(nil), (*refreshRow)(nil), (*pairingRow)(nil), (*personalRow)(nil),
}

// nullability says whether a row field can hold NULL: "null" for a
// pointer or a null type (nullInstant, nullDay, sql.NullString and the
// like; its column must be nullable, or writing the empty value fails),
// "not null" for a plain value (its column must be NOT NULL, or a NULL read
// back would turn into a zero value), and "" for JSON text and bytes, which
// map both kinds of column.
func nullability(f reflect.StructField) string {
	switch t := f.Type; {
	case t == reflect.TypeFor[jsonText](), t == reflect.TypeFor[[]byte]():
		return ""
	case t.Kind() == reflect.Pointer, strings.HasPrefix(strings.ToLower(t.Name()), "null"):
		return "null"
	}
	return "not null"
}

// TestSchemaMatchesModels checks, on both dialects, that after Migrate
// every table the code maps has exactly the columns its row type names,
// each nullable exactly when its field can hold NULL, and that the schema
// holds no table the code does not know.
func TestSchemaMatchesModels(t *testing.T) {
	t.Parallel()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, _ := benchDB(t, b.dsn(t))
			var tables []string
			for _, m := range models {
				table := db.bun.Table(reflect.TypeOf(m))
				tables = append(tables, table.Name)
				var want []string
				for _, f := range table.Fields {
					want = append(want, f.Name)
				}
				slices.Sort(want)
				got := columns(t, db, table.Name)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("table %s: columns (-code +schema):\n%s", table.Name, diff)
				}
				wantNull, gotNull := map[string]string{}, nullable(t, db, table.Name)
				for _, f := range table.Fields {
					if n := nullability(f.StructField); n != "" {
						wantNull[f.Name] = n
					} else {
						delete(gotNull, f.Name)
					}
				}
				if diff := cmp.Diff(wantNull, gotNull); diff != "" {
					t.Errorf("table %s: nullability (-code +schema):\n%s", table.Name, diff)
				}
			}
			tables = append(tables, migrationsTable, migrationLocksTable)
			slices.Sort(tables)
			var got []string
			q := "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
			if db.dialect == Postgres {
				q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
			}
			if err := db.bun.NewRaw(q).Scan(ctx, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tables, got); diff != "" {
				t.Errorf("tables (-code +schema):\n%s", diff)
			}
		})
	}
}

// nullable maps each column of table to "null" or "not null".
func nullable(tb testing.TB, db *DB, table string) map[string]string {
	tb.Helper()
	q := "SELECT name || ' ' || CASE WHEN \"notnull\" = 1 OR pk > 0 THEN 'not null' ELSE 'null' END FROM pragma_table_info(?)"
	if db.dialect == Postgres {
		q = `SELECT column_name || ' ' || CASE is_nullable WHEN 'NO' THEN 'not null' ELSE 'null' END
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?`
	}
	var lines []string
	if err := db.bun.NewRaw(q, table).Scan(context.Background(), &lines); err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range lines {
		name, n, _ := strings.Cut(l, " ")
		out[name] = n
	}
	return out
}

func columns(tb testing.TB, db *DB, table string) []string {
	tb.Helper()
	q := "SELECT name FROM pragma_table_info(?) ORDER BY name"
	if db.dialect == Postgres {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY 1"
	}
	var cols []string
	if err := db.bun.NewRaw(q, table).Scan(context.Background(), &cols); err != nil {
		tb.Fatal(err)
	}
	return cols
}

// TestDriverErrorsMapByCode provokes each class of constraint failure on
// both backends and checks the Kind, the code and the lifeops sentinel.
func TestDriverErrorsMapByCode(t *testing.T) {
	t.Parallel()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, user := benchDB(t, b.dsn(t))
			now, _ := instant(time.Now()).Value()
			insertUser := `INSERT INTO users (id, name, zone, day_start_hour, wake_minute, bed_minute, created_at, updated_at) VALUES (?, ?, 'UTC', ?, 0, 0, ?, ?)`
			tests := []struct {
				name     string
				query    string
				args     []any
				code     lifeops.Code
				sentinel error
			}{
				{"duplicate key", insertUser, []any{user.String(), "Dup", 4, now, now}, lifeops.CodeConflict, lifeops.ErrConflict},
				{"unknown user", `INSERT INTO sync_state (user_id, kind, through, synced_at) VALUES (?, 'x', '2026-01-01', ?)`, []any{uuid.NewString(), now}, lifeops.CodeNotFound, lifeops.ErrNotFound},
				{"too long", insertUser, []any{uuid.NewString(), strings.Repeat("x", 101), 4, now, now}, lifeops.CodeInvalid, lifeops.ErrInvalid},
				{"check", insertUser, []any{uuid.NewString(), "Hour", 24, now, now}, lifeops.CodeInvalid, lifeops.ErrInvalid},
				{"not null", insertUser, []any{uuid.NewString(), nil, 4, now, now}, lifeops.CodeInvalid, lifeops.ErrInvalid},
			}
			for _, tt := range tests {
				_, err := db.bun.ExecContext(ctx, tt.query, tt.args...)
				err = wrapErr("test", err)
				var se *Error
				if !errors.As(err, &se) || se.Code != tt.code || se.DBCode == "" || !errors.Is(err, tt.sentinel) {
					t.Errorf("%s: got %v (%#v), want code %v with a driver code, matching %v", tt.name, err, se, tt.code, tt.sentinel)
				}
			}
			var n int
			if err := db.bun.NewRaw("SELECT count(*) FROM users").Scan(ctx, &n); err != nil || n != 1 {
				t.Errorf("users after failed writes = %d, %v; want the 1 from before", n, err)
			}
		})
	}
}

func TestPgClass(t *testing.T) {
	t.Parallel()
	type class struct {
		code      lifeops.Code
		transient bool
	}
	retry := class{lifeops.CodeUnavailable, true}
	tests := map[string]class{
		"23505": {code: lifeops.CodeConflict}, "23503": {code: lifeops.CodeNotFound}, "23514": {code: lifeops.CodeInvalid},
		"23502": {code: lifeops.CodeInvalid}, "22001": {code: lifeops.CodeInvalid}, "22P02": {code: lifeops.CodeInvalid},
		"40001": retry, "40P01": retry, "55P03": retry, "57014": {code: lifeops.CodeUnavailable},
		"08006": {code: lifeops.CodeUnavailable}, "53300": {code: lifeops.CodeUnavailable}, "54001": {code: lifeops.CodeInvalid},
		"54000": {code: lifeops.CodeInvalid}, "42P01": {code: lifeops.CodeInternal}, "XX000": {code: lifeops.CodeInternal},
	}
	for sqlstate, want := range tests {
		if code, transient := pgClass(sqlstate); (class{code, transient}) != want {
			t.Errorf("pgClass(%s) = %v, %v; want %+v", sqlstate, code, transient, want)
		}
	}
}

// TestRetry retries transient failures of an idempotent operation and
// gives up on others.
func TestRetry(t *testing.T) {
	t.Parallel()
	db := &DB{opts: (&Options{Retries: 3}).withDefaults()}
	serialization := &pgconn.PgError{Code: "40001"}
	tests := []struct {
		name      string
		fails     int
		failWith  error
		wantCalls int
		wantCode  lifeops.Code
		wantErr   bool
	}{
		{"succeeds after two serialization failures", 2, serialization, 3, "", false},
		{"gives up after the retries", 10, serialization, 4, lifeops.CodeUnavailable, true},
		{"does not retry a conflict", 10, &pgconn.PgError{Code: "23505"}, 1, lifeops.CodeConflict, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			err := db.retry(context.Background(), "op", func(context.Context) error {
				calls++
				if calls <= tt.fails {
					return tt.failWith
				}
				return nil
			})
			if calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tt.wantCalls)
			}
			var se *Error
			if tt.wantErr != (err != nil) || (err != nil && (!errors.As(err, &se) || se.Code != tt.wantCode)) {
				t.Errorf("err = %v, want error %v of code %v", err, tt.wantErr, tt.wantCode)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.retry(ctx, "op", func(context.Context) error { return serialization })
	if !errors.Is(err, context.Canceled) || !errors.Is(err, lifeops.ErrUnavailable) {
		t.Errorf("retry with a cancelled context = %v, want context.Canceled matching ErrUnavailable", err)
	}
}

// TestFailedMigrationStaysPending runs a migration set whose second file
// fails halfway: its transaction rolls back, it is not marked applied, and
// the first stays applied.
func TestFailedMigrationStaysPending(t *testing.T) {
	t.Parallel()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			dir := "migrations/" + string(db.dialect) + "/"
			db.migrationFS = fstest.MapFS{
				dir + "20260101000000_one.tx.up.sql":   {Data: []byte("CREATE TABLE one (id INTEGER);\n")},
				dir + "20260101000000_one.tx.down.sql": {Data: []byte("DROP TABLE one;\n")},
				dir + "20260102000000_two.tx.up.sql":   {Data: []byte("CREATE TABLE two (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n")},
				dir + "20260102000000_two.tx.down.sql": {Data: []byte("DROP TABLE two;\n")},
			}
			applied, err := db.Migrate(ctx)
			if err == nil {
				t.Fatal("Migrate succeeded over a broken migration")
			}
			if diff := cmp.Diff([]string{"20260101000000"}, versionsOf(applied)); diff != "" {
				t.Errorf("applied (-want +got):\n%s", diff)
			}
			status, err := db.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if status[0].Applied() != true || status[1].Applied() != false {
				t.Errorf("status = %+v; want one applied, two pending", status)
			}
			for table, want := range map[string]bool{"one": true, "two": false} {
				if got := len(columns(t, db, table)) > 0; got != want {
					t.Errorf("table %s exists = %v, want %v", table, got, want)
				}
			}
		})
	}
}

func versionsOf(ms []Migration) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Version)
	}
	return out
}

func TestDSNKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn     string
		want    Dialect
		wantErr bool
	}{
		{"postgres://u@h/db", Postgres, false},
		{"postgresql://u:secret@h/db?sslmode=disable", Postgres, false},
		{"lifeops.db", SQLite, false},
		{"/var/lib/lifeops/data.db", SQLite, false},
		{"file:data.db?cache=shared", SQLite, false},
		{"", "", true},
		{"   ", "", true},
		{"mysql://u:secret@h/db", "", true},
		// libpq's keyword/value form is Postgres, not a file name.
		{"host=127.0.0.1 port=5432 user=postgres password=secret dbname=test sslmode=disable", Postgres, false},
		{"dbname=lifeops", Postgres, false},
		{"  host = /run/postgresql  dbname = 'life ops' ", Postgres, false},
		{"a=b.db", SQLite, false},
		{"data/x=1 y=2.db", SQLite, false},
	}
	for _, tt := range tests {
		got, err := dsnKind(tt.dsn)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("dsnKind(%q) = %q, %v; want %q, error %v", tt.dsn, got, err, tt.want, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("dsnKind(%q) error leaks the password: %v", tt.dsn, err)
		}
	}
}

// FuzzSQLiteDSN: a DSN is outside input; the SQLite name made from it must
// be a file: URI that keeps the pragmas the store relies on.
func FuzzSQLiteDSN(f *testing.F) {
	for _, s := range []string{"lifeops.db", "/tmp/a b/c?.db", "file:x.db?mode=ro", "file:///tmp/x.db", "%zz", "file:%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		name, err := sqliteDSN(dsn, time.Second)
		if err != nil {
			return
		}
		u, err := url.Parse(name)
		if err != nil {
			t.Fatalf("sqliteDSN(%q) = %q, not a URL: %v", dsn, name, err)
		}
		q := u.Query()
		if u.Scheme != "file" || !slices.Contains(q["_pragma"], "foreign_keys(1)") || q.Get("_txlock") != "immediate" {
			t.Fatalf("sqliteDSN(%q) = %q lacks the store's settings", dsn, name)
		}
	})
}

// TestOpenWrapsCallerPools opens stores over a caller's *sql.DB and
// *bun.DB: the dialect is detected and Close leaves the pool open.
func TestOpenWrapsCallerPools(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			owner, err := Open(ctx, b.dsn(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer owner.Close()
			sqldb := owner.bun.DB
			viaSQL, err := OpenDB(ctx, sqldb, nil)
			if err != nil {
				t.Fatal(err)
			}
			viaBun, err := OpenBun(ctx, bun.NewDB(sqldb, owner.bun.Dialect()), nil)
			if err != nil {
				t.Fatal(err)
			}
			if viaSQL.Dialect() != owner.Dialect() || viaBun.Dialect() != owner.Dialect() {
				t.Errorf("dialects %s, %s; want %s", viaSQL.Dialect(), viaBun.Dialect(), owner.Dialect())
			}
			if err := viaSQL.Close(); err != nil {
				t.Fatal(err)
			}
			if err := viaBun.Close(); err != nil {
				t.Fatal(err)
			}
			if err := sqldb.PingContext(ctx); err != nil {
				t.Errorf("the caller's pool was closed: %v", err)
			}
			if _, err := viaSQL.User(ctx, uuid.New()); !errors.Is(err, ErrClosed) || !errors.Is(err, lifeops.ErrUnavailable) {
				t.Errorf("use after Close = %v, want ErrClosed matching ErrUnavailable", err)
			}
		})
	}
	if _, err := OpenDB(ctx, nil, nil); err == nil {
		t.Error("OpenDB(nil) succeeded")
	}
	noFK, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "nofk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer noFK.Close()
	if _, err := OpenDB(ctx, noFK, nil); err == nil || !strings.Contains(err.Error(), "foreign_keys(1)") {
		t.Errorf("OpenDB of a SQLite pool without foreign keys = %v, want a refusal naming the pragma", err)
	}
}

// failingSet is a migration set of three whose second cannot be rolled
// back.
func failingSet(db *DB) fstest.MapFS {
	dir := "migrations/" + string(db.dialect) + "/"
	return fstest.MapFS{
		dir + "20260101000000_one.tx.up.sql":     {Data: []byte("CREATE TABLE one (id INTEGER);\n")},
		dir + "20260101000000_one.tx.down.sql":   {Data: []byte("DROP TABLE one;\n")},
		dir + "20260102000000_two.tx.up.sql":     {Data: []byte("CREATE TABLE two (id INTEGER);\n")},
		dir + "20260102000000_two.tx.down.sql":   {Data: []byte("DROP TABLE nowhere;\n")},
		dir + "20260103000000_three.tx.up.sql":   {Data: []byte("CREATE TABLE three (id INTEGER);\n")},
		dir + "20260103000000_three.tx.down.sql": {Data: []byte("DROP TABLE three;\n")},
	}
}

// TestFailedRollbackReportsWhatItUndid: a rollback that fails part-way
// returns only the migrations it did roll back, so the migrate tool's
// report is true.
func TestFailedRollbackReportsWhatItUndid(t *testing.T) {
	t.Parallel()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			db.migrationFS = failingSet(db)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			undone, err := db.Rollback(ctx)
			if err == nil {
				t.Fatal("Rollback succeeded over a broken down migration")
			}
			if diff := cmp.Diff([]string{"20260103000000"}, versionsOf(undone)); diff != "" {
				t.Errorf("Rollback reported as undone (-want +got):\n%s", diff)
			}
			status, err := db.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var applied []string
			for _, m := range status {
				if m.Applied() {
					applied = append(applied, m.Version)
				}
			}
			if diff := cmp.Diff([]string{"20260101000000", "20260102000000"}, applied); diff != "" {
				t.Errorf("applied after the failed rollback (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStampIsAllOrNothing: when marking one migration fails, Stamp marks
// none of them.
func TestStampIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openRaw(t, filepath.Join(t.TempDir(), "t.db"))
	db.migrationFS = failingSet(db)
	if _, err := db.MigrationStatus(ctx); err != nil { // creates the bookkeeping tables
		t.Fatal(err)
	}
	if _, err := db.bun.ExecContext(ctx, `CREATE TRIGGER refuse_three BEFORE INSERT ON bun_migrations
WHEN NEW.name = '20260103000000' BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	marked, err := db.Stamp(ctx, "20260103000000", &StampOptions{Force: true})
	if err == nil {
		t.Fatal("Stamp succeeded although marking the third migration failed")
	}
	if len(marked) != 0 {
		t.Errorf("Stamp reported %v as marked", versionsOf(marked))
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range status {
		if m.Applied() {
			t.Errorf("%s is marked applied after a failed Stamp", m)
		}
	}
}

// TestMigrationLockIsReleased: on Postgres, neither a failed migration nor
// a caller that gives up waiting leaves the advisory lock held, which would
// block every other process's migrations for good. Another session checks,
// since a session may take its own advisory lock again.
func TestMigrationLockIsReleased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	db, err := Open(ctx, dsn, &Options{MaxOpenConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := Open(ctx, dsn, &Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	free := func(what string) {
		t.Helper()
		var ok bool
		if err := other.bun.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+migrationLockKey+")").Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("%s: the migration lock is still held", what)
		}
		if _, err := other.bun.ExecContext(ctx, "SELECT pg_advisory_unlock("+migrationLockKey+")"); err != nil {
			t.Fatal(err)
		}
	}

	db.migrationFS = failingSet(db)
	db.migrationFS.(fstest.MapFS)["migrations/pg/20260104000000_four.tx.up.sql"] = &fstest.MapFile{Data: []byte("SELECT 1/0;\n")}
	db.migrationFS.(fstest.MapFS)["migrations/pg/20260104000000_four.tx.down.sql"] = &fstest.MapFile{Data: []byte("SELECT 1;\n")}
	if _, err := db.Migrate(ctx); err == nil {
		t.Fatal("Migrate succeeded over a failing migration")
	}
	free("after a failed migration")

	// Another process holds the lock; this one gives up waiting.
	holder, err := other.bun.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.ExecContext(ctx, "SELECT pg_advisory_lock("+migrationLockKey+")"); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = db.Migrate(waitCtx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Migrate while another process migrates, with a deadline = %v, want context.DeadlineExceeded", err)
	}
	if _, err := holder.ExecContext(ctx, "SELECT pg_advisory_unlock("+migrationLockKey+")"); err != nil {
		t.Fatal(err)
	}
	_ = holder.Close()
	free("after a caller gave up waiting")
}

// TestOpenHidesPasswords: an unusable DSN is reported without its
// password, in either Postgres form.
func TestOpenHidesPasswords(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"postgres://u:s3cret@127.0.0.1:notaport/db",
		"host=127.0.0.1 port=notaport password=s3cret dbname=db",
		"host=127.0.0.1 port=notaport password='s3 cret' dbname=db",
	} {
		_, err := Open(context.Background(), dsn, nil)
		var de *DSNError
		if !errors.As(err, &de) {
			t.Errorf("Open(%q) = %v, want a *DSNError", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3") {
			t.Errorf("Open(%q) error shows the password: %v", dsn, err)
		}
	}
}
