package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func schemaExists(t *testing.T, db *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM pg_namespace WHERE nspname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestSchemaLifecycle: Schema gives a usable, empty schema set as the
// search_path, drops it after the test, and the first call of a process
// drops schemas of runs that are gone.
func TestSchemaLifecycle(t *testing.T) {
	if err := proc.start(); err != nil && !Required() {
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	var name string
	t.Run("use", func(t *testing.T) {
		dsn := Schema(t)
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow("SELECT current_schema()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Fatal("no schema name")
	}
	if schemaExists(t, proc.admin, name) {
		t.Errorf("schema %s still exists after its test", name)
	}

	// A schema of a run whose process is gone (nobody holds its lock).
	stale := "lt_0badcafe_gone_1"
	if _, err := proc.admin.Exec("CREATE SCHEMA " + stale); err != nil {
		t.Fatal(err)
	}
	dropStale(context.Background(), proc.admin, proc.run)
	if schemaExists(t, proc.admin, stale) {
		t.Errorf("stale schema %s survived", stale)
	}
	// This process's own run is alive: a schema of it survives cleanup.
	live := fmt.Sprintf("%s_live", proc.prefix)
	if _, err := proc.admin.Exec("CREATE SCHEMA " + live); err != nil {
		t.Fatal(err)
	}
	defer proc.admin.Exec("DROP SCHEMA " + live)
	dropStale(context.Background(), proc.admin, "00000000")
	if !schemaExists(t, proc.admin, live) {
		t.Errorf("live schema %s was dropped", live)
	}
}

func ExampleWithSearchPath() {
	dsn, err := WithSearchPath("postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "lt_example")
	fmt.Println(dsn, err)
	// Output: postgres://postgres@127.0.0.1:5432/test?search_path=lt_example&sslmode=disable <nil>
}

// TestUnreachableChild is run by TestUnreachable in a process of its own,
// whose database is unreachable.
func TestUnreachableChild(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") != "1" {
		t.Skip("run by TestUnreachable")
	}
	Schema(t)
	t.Error("Schema returned for an unreachable database")
}

// TestUnreachable: with the database unreachable, Schema skips the test
// with a message that says why, unless LIFEOPS_REQUIRE_POSTGRES=1 asks it
// to fail, as CI does.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	const (
		url     = "postgres://postgres:secret@127.0.0.1:1/test?connect_timeout=2"
		keyword = "host=127.0.0.1 port=1 user=postgres password=secret dbname=test connect_timeout=2"
	)
	for _, tt := range []struct {
		name     string
		require  string
		dsn      string
		wantFail bool
		want     string
	}{
		{"require=", "", url, false, "is unreachable"},
		{"require=1", "1", url, true, "is required (LIFEOPS_REQUIRE_POSTGRES=1) but unusable"},
		{"keyword/value", "1", keyword, true, "is required (LIFEOPS_REQUIRE_POSTGRES=1) but unusable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestUnreachableChild$", "-test.v")
			cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", "LIFEOPS_REQUIRE_POSTGRES="+tt.require,
				"LIFEOPS_TEST_DATABASE_URL="+tt.dsn)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tt.wantFail {
				t.Errorf("the test failed = %v, want %v; output:\n%s", failed, tt.wantFail, out)
			}
			if !strings.Contains(string(out), tt.want) || !strings.Contains(string(out), "127.0.0.1") {
				t.Errorf("output lacks %q and the address:\n%s", tt.want, out)
			}
			if strings.Contains(string(out), "secret") {
				t.Errorf("output shows the password:\n%s", out)
			}
		})
	}
}
