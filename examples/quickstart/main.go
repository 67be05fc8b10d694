// Command quickstart runs LifeOps on the embedded SQLite store with two
// weeks of sample data and prints the person's day: the Life Score, the
// domains with what moved them, XP and level, streaks, achievements, the
// message, what is still to do, and the fortnight day by day. It needs no
// server, no network and no configuration:
//
//	go run ./examples/quickstart [-db DSN | -memory]
//
// Flags:
//
//	-db DSN    keep the data in the SQLite file DSN (created and migrated
//	           if new), or in the Postgres database of a postgres:// DSN.
//	           Running again on the same database is safe: every sample
//	           write is idempotent, so the output is the same.
//	-memory    use the in-memory store (lifeops/memstore) instead of SQLite.
//
// Without a flag the database is a new SQLite file in a temporary
// directory, migrated by the program and removed when it exits. The report
// goes to standard output; where the data lives goes to standard error.
// On any error the program prints it on one line to standard error and
// exits with status 1 (quietly when the reader of its output went away, as
// in quickstart | head); the temporary database is removed either way.
//
// The two weeks end on Tuesday 31 March 2026 in Europe/Berlin. They hold the
// night the clocks went forward (Sunday 29 March) and a day the person
// missed altogether (Tuesday 24 March: no ring, no check-ins). The clock is
// fixed, so the output is the same on every run and on every store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	_ "time/tzdata" // the zone database travels with the binary, so any machine can run it

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A reader that stops early (quickstart | head) makes writes fail with
	// EPIPE instead of killing the program, so the temporary database is
	// still removed.
	signal.Ignore(syscall.SIGPIPE)
	code := (&Main{Stdout: os.Stdout, Stderr: os.Stderr}).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main is the program, with its outside world injected so tests can run it.
type Main struct {
	Stdout, Stderr io.Writer
	// TempDir is where the default database gets its temporary directory;
	// empty means os.TempDir().
	TempDir string
}

const usage = "usage: quickstart [-db DSN | -memory]"

// Run runs the program with the command-line arguments args and returns
// its exit status: 0, or 1 after printing the error.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.run(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, syscall.EPIPE):
		return 1 // the reader went away: nobody is left to read a message
	default:
		fmt.Fprintln(m.Stderr, "quickstart:", err)
		return 1
	}
}

func (m *Main) run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by Run
	fs.Usage = func() {}
	dbPath := fs.String("db", "", "keep the data in the SQLite file or the postgres:// database `DSN` (default: a temporary SQLite file removed at exit)")
	memory := fs.Bool("memory", false, "use the in-memory store instead of SQLite")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(m.Stdout, usage)
			fs.SetOutput(m.Stdout)
			fs.PrintDefaults()
			return err
		}
		return fmt.Errorf("%w (%s)", err, usage)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q (%s)", fs.Arg(0), usage)
	case *memory && *dbPath != "":
		return fmt.Errorf("-db and -memory exclude each other (%s)", usage)
	}

	st, closeStore, err := m.openStore(ctx, *dbPath, *memory)
	if err != nil {
		return err
	}
	err = runSample(ctx, st, m.Stdout)
	if cerr := closeStore(); err == nil {
		err = cerr
	}
	return err
}

// openStore opens the store the flags chose and returns it with the
// function that closes it (and removes the temporary directory, if any).
func (m *Main) openStore(ctx context.Context, path string, memory bool) (lifeops.Store, func() error, error) {
	if memory {
		fmt.Fprintln(m.Stderr, "store: in memory (lifeops/memstore), gone at exit")
		return memstore.New(), func() error { return nil }, nil
	}
	removeDir := func() error { return nil }
	where := "kept after exit"
	if path == "" {
		dir, err := os.MkdirTemp(m.TempDir, "lifeops-quickstart-")
		if err != nil {
			return nil, nil, fmt.Errorf("make a temporary directory: %w", err)
		}
		path, where = filepath.Join(dir, "lifeops.db"), "removed at exit"
		removeDir = func() error { return os.RemoveAll(dir) }
	}
	db, err := store.Open(ctx, path, nil) // no Keyring: the sample stores no credentials
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("open %s: %w", path, err), removeDir())
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("migrate %s: %w", path, err), db.Close(), removeDir())
	}
	schema := "schema up to date"
	if len(applied) > 0 {
		schema = fmt.Sprintf("%d %s applied", len(applied), plural(len(applied), "migration", "migrations"))
	}
	if db.Dialect() == store.Postgres {
		// The DSN may hold a password: it is not printed.
		fmt.Fprintf(m.Stderr, "store: Postgres (%s; %s)\n", schema, where)
	} else {
		fmt.Fprintf(m.Stderr, "store: SQLite file %s (%s; %s)\n", path, schema, where)
	}
	return db, func() error { return errors.Join(db.Close(), removeDir()) }, nil
}

// runSample builds the Service on st, lives through the sample fortnight
// and prints the last day to w.
func runSample(ctx context.Context, st lifeops.Store, w io.Writer) error {
	loc, err := lifeops.LoadZone(zone)
	if err != nil {
		return err
	}
	clk := &clock{t: start.In(loc)}
	svc, err := lifeops.New(&lifeops.Config{Store: st, Health: &sampleSource{loc: loc}, Clock: clk})
	if err != nil {
		return err
	}
	ada, items, err := livePlan(ctx, svc, clk, loc)
	if err != nil {
		return err
	}

	// Today is the 31st at half past noon, and the ring has synced.
	clk.set(now.In(loc))
	synced, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{From: firstDay, To: lastDay})
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	today, err := svc.Today(ctx, ada.ID, lastDay)
	if err != nil {
		return fmt.Errorf("today: %w", err)
	}
	achievements, err := svc.Achievements(ctx, ada.ID)
	if err != nil {
		return fmt.Errorf("achievements: %w", err)
	}
	scores, err := svc.Scores(ctx, ada.ID, firstDay, lastDay)
	if err != nil {
		return fmt.Errorf("scores: %w", err)
	}
	return printReport(w, report{now: clk.Now().In(loc), user: ada, items: items, synced: synced,
		today: today, achievements: achievements, scores: scores})
}
