package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lifeops/lifeops/store"
)

// childEnv names the environment variable that makes
// TestMigrateChildProcess act as one migrating process.
const childEnv = "LIFEOPS_STORE_MIGRATE_CHILD"

// childResult is what a migrating child process reports on stdout.
type childResult struct {
	Applied []string `json:"applied"`
	Err     string   `json:"err,omitempty"`
}

// TestMigrateChildProcess is the body of a child process of
// TestSQLiteMigratorsInTwoProcesses; run directly, it does nothing. The
// child waits for its start signal (a file), opens the SQLite file, runs
// Migrate and prints what it applied as JSON.
func TestMigrateChildProcess(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		return
	}
	dsn, start, _ := strings.Cut(spec, "|")
	for deadline := time.Now().Add(30 * time.Second); ; {
		if _, err := os.Stat(start); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no start signal")
		}
		time.Sleep(time.Millisecond)
	}
	var res childResult
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err == nil {
		var applied []store.Migration
		applied, err = db.Migrate(ctx)
		res.Applied = versions(applied)
		db.Close()
	}
	if err != nil {
		res.Err = err.Error()
	}
	out, _ := json.Marshal(res)
	fmt.Printf("\nCHILD %s\n", out)
}

// TestSQLiteMigratorsInTwoProcesses starts two processes that open and
// migrate one new SQLite file at the same moment, many times over: every
// time, exactly one applies every migration, the other finds nothing to
// apply, neither fails, and each migration is recorded once.
func TestSQLiteMigratorsInTwoProcesses(t *testing.T) {
	t.Parallel()
	if os.Getenv(childEnv) != "" {
		return
	}
	all := versions(mustStatus(t, openSQLite(t)))
	const rounds = 12
	for round := range rounds {
		dir := t.TempDir()
		dsn, start := filepath.Join(dir, "shared.db"), filepath.Join(dir, "start")
		results := make([]childResult, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		var cmds []*exec.Cmd
		for i := range 2 {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMigrateChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+dsn+"|"+start)
			cmds = append(cmds, cmd)
			out := new(strings.Builder)
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				errs[i] = cmd.Wait()
				text := out.String()
				_, line, ok := strings.Cut(text, "\nCHILD ")
				line, _, _ = strings.Cut(line, "\n")
				if !ok || json.Unmarshal([]byte(line), &results[i]) != nil {
					errs[i] = errors.Join(errs[i], fmt.Errorf("no result in the output:\n%s", text))
				}
			})
		}
		if err := os.WriteFile(start, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for i := range 2 {
			if errs[i] != nil {
				t.Fatalf("round %d, process %d: %v", round, i, errs[i])
			}
			if results[i].Err != "" {
				t.Errorf("round %d, process %d failed: %s", round, i, results[i].Err)
			}
		}
		got := [][]string{results[0].Applied, results[1].Applied}
		if len(got[0]) == 0 {
			got[0], got[1] = got[1], got[0]
		}
		if diff := cmp.Diff([][]string{all, nil}, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round %d: what the two processes applied (-want +got):\n%s", round, diff)
		}
		db := mustOpen(t, dsn)
		var recorded []string
		if err := db.Bun().NewRaw("SELECT name FROM bun_migrations ORDER BY name").Scan(context.Background(), &recorded); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(all, recorded); diff != "" {
			t.Errorf("round %d: migrations recorded (-want +got):\n%s", round, diff)
		}
		if err := db.CheckMigrations(context.Background()); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		if t.Failed() {
			return
		}
	}
}

func mustStatus(tb testing.TB, db *store.DB) []store.Migration {
	tb.Helper()
	ms, err := db.MigrationStatus(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return ms
}

// TestSQLiteMigratorsInOneProcess: several DBs of one process on one
// SQLite file migrate at once; one applies everything, the others nothing.
func TestSQLiteMigratorsInOneProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "shared.db")
	const n = 4
	results := make([][]store.Migration, n)
	errs := make([]error, n)
	var dbs []*store.DB
	for range n {
		dbs = append(dbs, mustOpen(t, dsn))
	}
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { results[i], errs[i] = db.Migrate(ctx) })
	}
	wg.Wait()
	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("migrator %d: %v", i, errs[i])
		}
		if len(results[i]) > 0 {
			winners++
		}
	}
	if winners != 1 {
		t.Errorf("%d migrators applied migrations, want exactly 1", winners)
	}
	if err := dbs[0].CheckMigrations(ctx); err != nil {
		t.Error(err)
	}
}
