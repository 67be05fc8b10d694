// Command migrate manages the schema of a LifeOps store and moves people
// between stores.
//
//	go run ./examples/migrate [-dsn DSN] [-key ID:BASE64[,ID:BASE64…]] COMMAND
//
// DSN is a postgres:// URL or a SQLite file (default: $LIFEOPS_DATABASE_URL).
// The key, needed only to copy credentials, defaults to
// $LIFEOPS_ENCRYPTION_KEY; the first key seals, the others only open.
//
// Commands:
//
//	up                      apply every pending migration
//	down -yes               roll back the last group of migrations (drops their tables)
//	status                  list every migration and whether it is applied
//	check                   exit with status 1 when any migration is pending
//	stamp VERSION           mark migrations up to VERSION applied without running them
//	create [-dir D] NAME    write an empty migration pair for both dialects (default D: store/migrations)
//	copy -from DSN -to DSN  copy every user and all their records between stores
//
// Every command says what it did. Exit status: 0 success, 1 failure or
// pending migrations (check), 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lifeops/lifeops/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := (&Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// Main is the program, with its outside world injected so tests can run it.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errPending makes check exit with status 1 after it has said why.
var errPending = errors.New("migrations pending")

const usage = `usage: migrate [-dsn DSN] [-key ID:BASE64,...] COMMAND
commands: up | down -yes | status | check | stamp VERSION | create [-dir D] NAME | copy -from DSN -to DSN`

// Run runs the command line args and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	dsn := fs.String("dsn", m.Getenv("LIFEOPS_DATABASE_URL"), "database: postgres:// URL or SQLite file (default $LIFEOPS_DATABASE_URL)")
	keys := fs.String("key", m.Getenv("LIFEOPS_ENCRYPTION_KEY"), "encryption keys ID:BASE64, comma-separated, the first seals (default $LIFEOPS_ENCRYPTION_KEY)")
	fs.Usage = func() { fmt.Fprintln(m.Stderr, usage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	err := m.run(ctx, *dsn, *keys, fs.Args())
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "migrate: %v\n%s\n", err, usage)
		return exitUsage
	case errors.Is(err, errPending):
		return exitFail
	default:
		fmt.Fprintf(m.Stderr, "migrate: %v\n", err)
		return exitFail
	}
}

func (m *Main) run(ctx context.Context, dsn, keys string, args []string) error {
	if len(args) == 0 {
		return usagef("no command")
	}
	cmd, rest := args[0], args[1:]
	ring, err := parseKeys(keys)
	if err != nil {
		return err
	}
	switch cmd {
	case "create":
		return m.create(rest)
	case "copy":
		return m.copy(ctx, ring, rest)
	case "up", "down", "status", "check", "stamp":
	default:
		return usagef("unknown command %q", cmd)
	}
	cfs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	yes := cfs.Bool("yes", false, "confirm the rollback")
	if err := cfs.Parse(rest); err != nil {
		return usagef("%s: %v", cmd, err)
	}
	if *yes && cmd != "down" {
		return usagef("-yes belongs to down only")
	}
	switch {
	case cmd == "stamp" && cfs.NArg() != 1:
		return usagef("stamp takes one VERSION")
	case cmd != "stamp" && cfs.NArg() != 0:
		return usagef("%s takes no arguments", cmd)
	case cmd == "down" && !*yes:
		return usagef("down rolls back the last group of migrations and drops the tables and data they created; add -yes to do it")
	}
	if dsn == "" {
		return usagef("no database: pass -dsn or set LIFEOPS_DATABASE_URL")
	}
	db, err := store.Open(ctx, dsn, &store.Options{Keys: ring})
	if err != nil {
		return err
	}
	defer db.Close()
	switch cmd {
	case "up":
		return m.up(ctx, db)
	case "down":
		return m.down(ctx, db)
	case "status":
		return m.status(ctx, db)
	case "check":
		return m.check(ctx, db)
	default:
		return m.stamp(ctx, db, cfs.Arg(0))
	}
}

func (m *Main) up(ctx context.Context, db *store.DB) error {
	applied, err := db.Migrate(ctx)
	m.list("applied", applied)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(m.Stdout, "nothing to apply: the schema is up to date")
	}
	return nil
}

func (m *Main) down(ctx context.Context, db *store.DB) error {
	undone, err := db.Rollback(ctx)
	m.list("rolled back", undone)
	if err != nil {
		return err
	}
	if len(undone) == 0 {
		fmt.Fprintln(m.Stdout, "nothing to roll back: no migration is applied")
	}
	return nil
}

func (m *Main) status(ctx context.Context, db *store.DB) error {
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATUS")
	applied := 0
	for _, mg := range ms {
		state := "pending"
		if mg.Applied() {
			applied++
			state = fmt.Sprintf("applied in group %d at %s", mg.Group, mg.AppliedAt.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", mg.Version, mg.Name, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d applied, %d pending\n", applied, len(ms)-applied)
	return nil
}

func (m *Main) check(ctx context.Context, db *store.DB) error {
	err := db.CheckMigrations(ctx)
	var pe *store.PendingError
	if errors.As(err, &pe) {
		fmt.Fprintf(m.Stdout, "%d migration(s) pending:\n", len(pe.Pending))
		for _, mg := range pe.Pending {
			fmt.Fprintf(m.Stdout, "  %s\n", mg)
		}
		return errPending
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "the schema is up to date")
	return nil
}

func (m *Main) stamp(ctx context.Context, db *store.DB, version string) error {
	marked, err := db.Stamp(ctx, version, nil)
	m.list("marked applied without running", marked)
	if err != nil {
		return err
	}
	if len(marked) == 0 {
		fmt.Fprintf(m.Stdout, "nothing to mark: every migration up to %s is applied\n", version)
	}
	return nil
}

func (m *Main) create(args []string) error {
	cfs := flag.NewFlagSet("create", flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	dir := cfs.String("dir", "store/migrations", "the store's migrations folder")
	if err := cfs.Parse(args); err != nil {
		return usagef("create: %v", err)
	}
	if cfs.NArg() != 1 {
		return usagef("create takes one NAME")
	}
	paths, err := store.CreateMigration(*dir, cfs.Arg(0), m.Now())
	for _, p := range paths {
		fmt.Fprintf(m.Stdout, "created %s\n", p)
	}
	if err == nil {
		fmt.Fprintln(m.Stdout, "write the SQL of both dialects, then run the tests: TestMigrationFoldersMatch and TestMigrateUpDownUp check the pair")
	}
	return err
}

func (m *Main) copy(ctx context.Context, ring *store.Keyring, args []string) error {
	cfs := flag.NewFlagSet("copy", flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	from := cfs.String("from", "", "source store")
	to := cfs.String("to", "", "destination store")
	if err := cfs.Parse(args); err != nil {
		return usagef("copy: %v", err)
	}
	if *from == "" || *to == "" || cfs.NArg() != 0 {
		return usagef("copy needs -from DSN and -to DSN")
	}
	src, err := store.Open(ctx, *from, &store.Options{Keys: ring})
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to, &store.Options{Keys: ring})
	if err != nil {
		return fmt.Errorf("open destination: %w", err)
	}
	defer dst.Close()
	for _, s := range []struct {
		name string
		db   *store.DB
	}{{"source", src}, {"destination", dst}} {
		if err := s.db.CheckMigrations(ctx); err != nil {
			return fmt.Errorf("%s schema is not current (run up on it first): %w", s.name, err)
		}
	}
	res, err := store.CopyUsers(ctx, src, dst, &store.ExportOptions{Credentials: ring != nil})
	fmt.Fprintf(m.Stdout, "copied %d users: %d health days, %d raw documents, %d heart-rate samples, %d sync states, %d work days, %d scored days, %d new XP entries, %d new achievements, %d items, %d new events, %d new zone changes, %d credentials\n",
		res.Users, res.HealthDays, res.RawDocuments, res.HeartRate, res.SyncStates, res.WorkDays, res.Scores, res.XP, res.Achievements, res.Items, res.Events, res.ZoneChanges, res.Credentials)
	if ring == nil {
		fmt.Fprintln(m.Stdout, "credentials were not copied: no encryption key (set -key or LIFEOPS_ENCRYPTION_KEY)")
	}
	return err
}

// list prints what a command did to some migrations.
func (m *Main) list(verb string, ms []store.Migration) {
	if len(ms) == 0 {
		return
	}
	fmt.Fprintf(m.Stdout, "%s %d migration(s):\n", verb, len(ms))
	for _, mg := range ms {
		fmt.Fprintf(m.Stdout, "  %s\n", mg)
	}
}

func parseKeys(s string) (*store.Keyring, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var keys []store.Key
	for _, part := range strings.Split(s, ",") {
		k, err := store.ParseKey(part)
		if err != nil {
			return nil, usagef("%v", err)
		}
		keys = append(keys, k)
	}
	return store.NewKeyring(keys[0], keys[1:]...)
}
