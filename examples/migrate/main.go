// Command migrate manages the schema of a LifeOps store, backs it up,
// verifies and restores backups, and moves people between stores.
//
//	go run ./examples/migrate [-dsn DSN] [-key ID:BASE64[,ID:BASE64…]] [-migrations DIR -table NAME] COMMAND [FLAGS] [ARGS]
//	go run ./examples/migrate -version
//
// DSN is a postgres:// URL or a SQLite file (default: $LIFEOPS_DATABASE_URL).
// The key opens and seals credentials (default: $LIFEOPS_ENCRYPTION_KEY; the
// first key seals, the others only open). With -migrations and -table the
// schema commands work on a host service's own migrations (DIR holds pg and
// sqlite folders; NAME is its bookkeeping table) instead of the library's.
//
// Schema:
//
//	up [-to VERSION]                       apply the pending migrations (up to VERSION)
//	down [-to VERSION] [-yes] [-backup P]  roll back every migration after VERSION (0: all);
//	                                       without -to, the newest applied one
//	status                                 every migration this build has, applied or pending
//	history                                status, with groups and times, plus applied migrations
//	                                       this build does not have
//	current                                the newest applied migration and what is pending
//	check                                  exit 1 when any migration is pending
//	stamp [-force] [-yes] [-backup P] VERSION
//	                                       mark migrations up to VERSION applied without running
//	                                       them; refused while their tables do not exist, unless -force
//	create -dir DIR NAME                   write an empty migration pair into DIR's pg and sqlite folders
//
// down and stamp print their plan first. On a database that holds data
// they need -yes, and -backup P takes a backup to P (a file or a folder)
// before the change.
//
// Backups:
//
//	backup -to PATH [-method M] [-keep-daily N -keep-weekly M]
//	                                       back up to the file PATH, or into the folder PATH under a
//	                                       name with the time; M: sqlite, pg_dump or logical (default:
//	                                       sqlite, or pg_dump when on PATH, else logical); with a folder,
//	                                       keep the N newest daily and M newest weekly backups, delete the rest
//	verify PATH                            restore into a scratch file or database and check integrity,
//	                                       schema version and row counts against the manifest
//	restore -from PATH [-replace]          restore into the -dsn store; refused when it holds data
//	                                       unless -replace
//	copy -from DSN -to DSN                 copy every person and their records; a second copy writes
//	                                       only what changed
//
// Every command says what it did. Exit status: 0 success, 1 failure,
// pending migrations (check) or a backup that failed verification, 2 bad
// usage or a change refused for want of -yes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lifeops/lifeops/examples/internal/buildinfo"
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
	// PGDump and PGRestore name the Postgres programs; empty means
	// pg_dump and pg_restore on PATH.
	PGDump, PGRestore string
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// refusal is a change that needs -yes; it exits with status 2.
type refusal struct{ msg string }

func (e refusal) Error() string { return e.msg }

// errReported makes a command exit with status 1 after it has said why
// (check with pending migrations, verify with a failed check).
var errReported = errors.New("reported")

const usage = `usage: migrate [-dsn DSN] [-key ID:BASE64,...] [-migrations DIR -table NAME] COMMAND
       migrate -version
schema:  up [-to V] | down [-to V] [-yes] [-backup P] | status | history | current | check
         stamp [-force] [-yes] [-backup P] V | create -dir DIR NAME
backups: backup -to PATH [-method M] [-keep-daily N -keep-weekly M] | verify PATH
         restore -from PATH [-replace] | copy -from DSN -to DSN`

// globals are the flags before the command.
type globals struct {
	dsn        string
	ring       *store.Keyring
	migrations string
	table      string
}

// Run runs the command line args and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	// The defaults come from the environment after parsing, not as flag
	// defaults, which help would print: a DSN may hold a password.
	dsn := fs.String("dsn", "", "database: postgres:// URL or SQLite file (default $LIFEOPS_DATABASE_URL)")
	keys := fs.String("key", "", "encryption keys ID:BASE64, comma-separated, the first seals (default $LIFEOPS_ENCRYPTION_KEY)")
	migrations := fs.String("migrations", "", "a host service's migrations folder (with pg and sqlite inside) instead of the library's")
	table := fs.String("table", "", "the bookkeeping table of the -migrations folder")
	version := fs.Bool("version", false, "print the build's version and exit")
	fs.Usage = func() { fmt.Fprintln(m.Stderr, usage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *version {
		fmt.Fprintln(m.Stdout, buildinfo.Read())
		return exitOK
	}
	if *dsn == "" {
		*dsn = m.Getenv("LIFEOPS_DATABASE_URL")
	}
	if *keys == "" {
		*keys = m.Getenv("LIFEOPS_ENCRYPTION_KEY")
	}
	err := m.run(ctx, *dsn, *keys, *migrations, *table, fs.Args())
	var ue usageError
	var rf refusal
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "migrate: %v\n%s\n", err, usage)
		return exitUsage
	case errors.As(err, &rf):
		fmt.Fprintf(m.Stderr, "migrate: %v\n", err)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFail
	default:
		fmt.Fprintf(m.Stderr, "migrate: %v\n", err)
		return exitFail
	}
}

func (m *Main) run(ctx context.Context, dsn, keys, migrations, table string, args []string) error {
	if len(args) == 0 {
		return usagef("no command")
	}
	cmd, rest := args[0], args[1:]
	ring, err := parseKeys(keys)
	if err != nil {
		return err
	}
	if (migrations == "") != (table == "") {
		return usagef("-migrations and -table go together")
	}
	g := globals{dsn: dsn, ring: ring, migrations: migrations, table: table}
	switch cmd {
	case "create":
		return m.create(rest)
	case "copy":
		return m.copy(ctx, g, rest)
	case "verify":
		return m.verify(ctx, g, rest)
	case "up", "down", "status", "history", "current", "check", "stamp", "backup", "restore":
	default:
		return usagef("unknown command %q", cmd)
	}
	if migrations != "" && slices.Contains([]string{"backup", "restore"}, cmd) {
		return usagef("-migrations and -table belong to the schema commands")
	}
	c := command{cmd: cmd, fs: flag.NewFlagSet(cmd, flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	switch cmd {
	case "up":
		c.to = c.fs.String("to", "", "apply up to this version")
	case "down":
		c.to = c.fs.String("to", "", "roll back every migration after this version (0: all)")
		c.safety()
	case "stamp":
		c.force = c.fs.Bool("force", false, "mark even when the migrations' tables do not exist")
		c.safety()
	case "backup":
		c.path = c.fs.String("to", "", "backup file, or folder to write it in")
		c.method = c.fs.String("method", "", "sqlite, pg_dump or logical")
		c.keepDaily = c.fs.Int("keep-daily", 0, "with a folder: keep the newest backup of each of the last N days")
		c.keepWeekly = c.fs.Int("keep-weekly", 0, "with a folder: keep the newest backup of each of the last M ISO weeks")
	case "restore":
		c.path = c.fs.String("from", "", "backup file")
		c.replace = c.fs.Bool("replace", false, "replace what the store holds")
	}
	pos, err := parseInterleaved(c.fs, rest)
	if err != nil {
		return usagef("%s: %v", cmd, err)
	}
	switch {
	case cmd == "stamp" && len(pos) != 1:
		return usagef("stamp takes one VERSION")
	case cmd != "stamp" && len(pos) != 0:
		return usagef("%s takes no arguments", cmd)
	case cmd == "backup" && *c.path == "":
		return usagef("backup needs -to PATH")
	case cmd == "restore" && *c.path == "":
		return usagef("restore needs -from PATH")
	case cmd == "backup" && (*c.keepDaily < 0 || *c.keepWeekly < 0):
		return usagef("-keep-daily and -keep-weekly take a number of backups, 0 or more")
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
	case "backup":
		return m.backup(ctx, db, c)
	case "restore":
		return m.restore(ctx, db, c)
	}
	set := db.LibraryMigrations()
	if migrations != "" {
		if set, err = db.MigrationSet(os.DirFS(migrations), table); err != nil {
			return err
		}
	}
	switch cmd {
	case "up":
		return m.up(ctx, set, *c.to)
	case "down":
		return m.down(ctx, db, set, c)
	case "status":
		return m.status(ctx, set)
	case "history":
		return m.history(ctx, set)
	case "current":
		return m.current(ctx, set)
	case "check":
		return m.check(ctx, set)
	default:
		return m.stamp(ctx, db, set, c, pos[0])
	}
}

// command holds a command's flags.
type command struct {
	cmd                   string
	fs                    *flag.FlagSet
	to, path, method      *string
	backupTo              *string
	yes, force, replace   *bool
	keepDaily, keepWeekly *int
}

// safety adds the flags of the commands that change a schema's record
// without applying migrations forward.
func (c *command) safety() {
	c.yes = c.fs.Bool("yes", false, "go ahead on a database that holds data")
	c.backupTo = c.fs.String("backup", "", "take a backup to this file or folder first")
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (m *Main) up(ctx context.Context, set *store.MigrationSet, to string) error {
	var applied []store.Migration
	var err error
	if to == "" {
		applied, err = set.Migrate(ctx)
	} else {
		applied, err = set.MigrateTo(ctx, to)
	}
	m.list("applied", applied)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		if to == "" {
			fmt.Fprintln(m.Stdout, "nothing to apply: the schema is up to date")
		} else {
			fmt.Fprintf(m.Stdout, "nothing to apply: every migration up to %s is applied\n", to)
		}
	}
	return nil
}

func (m *Main) down(ctx context.Context, db *store.DB, set *store.MigrationSet, c command) error {
	history, err := set.History(ctx)
	if err != nil {
		return err
	}
	to := *c.to
	if to == "" {
		var applied []string
		for _, mg := range history {
			if mg.Applied() {
				applied = append(applied, mg.Version)
			}
		}
		switch len(applied) {
		case 0:
			fmt.Fprintln(m.Stdout, "nothing to roll back: no migration is applied")
			return nil
		case 1:
			to = "0"
		default:
			to = applied[len(applied)-2]
		}
	}
	plan, err := store.RollbackPlan(history, to)
	if err != nil {
		return err
	}
	if len(plan) == 0 {
		fmt.Fprintf(m.Stdout, "nothing to roll back: no migration after %s is applied\n", to)
		return nil
	}
	fmt.Fprintf(m.Stdout, "plan: roll back %d migration(s), newest first, dropping what they created:\n", len(plan))
	for _, mg := range plan {
		fmt.Fprintf(m.Stdout, "  %s\n", mg)
	}
	if err := m.confirm(ctx, db, set, c, "rolling back drops their tables and the rows in them"); err != nil {
		return err
	}
	undone, err := set.RollbackTo(ctx, to)
	m.list("rolled back", undone)
	return err
}

func (m *Main) stamp(ctx context.Context, db *store.DB, set *store.MigrationSet, c command, version string) error {
	history, err := set.History(ctx)
	if err != nil {
		return err
	}
	plan, err := store.StampPlan(history, version)
	if err != nil {
		return err
	}
	if len(plan) == 0 {
		fmt.Fprintf(m.Stdout, "nothing to mark: every migration up to %s is applied\n", version)
		return nil
	}
	fmt.Fprintf(m.Stdout, "plan: mark %d migration(s) applied without running them:\n", len(plan))
	for _, mg := range plan {
		fmt.Fprintf(m.Stdout, "  %s\n", mg)
	}
	if err := m.confirm(ctx, db, set, c, "stamping changes what the schema is taken to be, and a wrong stamp breaks later migrations"); err != nil {
		return err
	}
	marked, err := set.Stamp(ctx, version, &store.StampOptions{Force: *c.force})
	m.list("marked applied without running", marked)
	var missing *store.MissingTablesError
	if errors.As(err, &missing) {
		return fmt.Errorf("%w\n(add -force to mark them anyway)", err)
	}
	return err
}

// confirm lets a down or stamp go ahead: on a database that holds data it
// needs -yes, and with -backup it takes a backup first.
func (m *Main) confirm(ctx context.Context, db *store.DB, set *store.MigrationSet, c command, why string) error {
	counts, err := db.RowCounts(ctx)
	if err != nil {
		return err
	}
	if store.HoldsData(counts, set.BookkeepingTables()...) && !*c.yes {
		var rows int64
		tables := 0
		for t, n := range counts {
			if n > 0 && !slices.Contains(set.BookkeepingTables(), t) && !strings.HasPrefix(t, "bun_migration") {
				rows += n
				tables++
			}
		}
		return refusal{fmt.Sprintf("the database holds data (%d rows in %d tables); %s. Back it up first (migrate backup -to PATH, or add -backup PATH here), then add -yes", rows, tables, why)}
	}
	if *c.backupTo != "" {
		b, err := db.BackupTo(ctx, *c.backupTo, m.backupOptions(""))
		if err != nil {
			return fmt.Errorf("backup before the change failed, nothing was changed: %w", err)
		}
		fmt.Fprintf(m.Stdout, "backed up to %s (%s, %d bytes)\n", b.Path(), b.Method, b.Size)
	}
	return nil
}

func (m *Main) status(ctx context.Context, set *store.MigrationSet) error {
	ms, err := set.Status(ctx)
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

func (m *Main) history(ctx context.Context, set *store.MigrationSet) error {
	ms, err := set.History(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tGROUP\tAPPLIED")
	for _, mg := range ms {
		name, group, at := mg.Name, "-", "pending"
		if mg.Applied() {
			group, at = fmt.Sprint(mg.Group), mg.AppliedAt.UTC().Format(time.RFC3339)
		}
		if mg.Unknown {
			name = "(not in this build)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", mg.Version, name, group, at)
	}
	return tw.Flush()
}

func (m *Main) current(ctx context.Context, set *store.MigrationSet) error {
	ms, err := set.History(ctx)
	if err != nil {
		return err
	}
	var pending []store.Migration
	for _, mg := range ms {
		if !mg.Applied() && !mg.Unknown {
			pending = append(pending, mg)
		}
	}
	cur, ok := store.CurrentMigration(ms)
	switch {
	case !ok:
		fmt.Fprintf(m.Stdout, "none applied; %d pending\n", len(pending))
	case cur.Unknown:
		fmt.Fprintf(m.Stdout, "%s (not in this build: applied by a newer one?)\n", cur)
	case len(pending) == 0:
		fmt.Fprintf(m.Stdout, "%s (head)\n", cur)
	default:
		fmt.Fprintf(m.Stdout, "%s; %d pending, up to %s\n", cur, len(pending), pending[len(pending)-1])
	}
	return nil
}

func (m *Main) check(ctx context.Context, set *store.MigrationSet) error {
	err := set.Check(ctx)
	var pe *store.PendingError
	if errors.As(err, &pe) {
		fmt.Fprintf(m.Stdout, "%d migration(s) pending:\n", len(pe.Pending))
		for _, mg := range pe.Pending {
			fmt.Fprintf(m.Stdout, "  %s\n", mg)
		}
		return errReported
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "the schema is up to date")
	return nil
}

func (m *Main) create(args []string) error {
	cfs := flag.NewFlagSet("create", flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	dir := cfs.String("dir", "", "the migrations folder, holding pg and sqlite folders")
	pos, err := parseInterleaved(cfs, args)
	if err != nil {
		return usagef("create: %v", err)
	}
	if len(pos) != 1 {
		return usagef("create takes one NAME")
	}
	if *dir == "" {
		return usagef("create needs -dir DIR: your service's migrations folder (or store/migrations to change the library itself)")
	}
	paths, err := store.CreateMigration(*dir, pos[0], m.Now())
	for _, p := range paths {
		fmt.Fprintf(m.Stdout, "created %s\n", p)
	}
	if err == nil {
		fmt.Fprintln(m.Stdout, "write the SQL of each dialect; run them with up (with -migrations and -table for your own folder)")
	}
	return err
}

func (m *Main) backupOptions(method string) *store.BackupOptions {
	return &store.BackupOptions{Method: store.BackupMethod(method), PGDump: m.PGDump, Now: m.Now}
}

func (m *Main) backup(ctx context.Context, db *store.DB, c command) error {
	keep := *c.keepDaily > 0 || *c.keepWeekly > 0
	st, statErr := os.Stat(*c.path)
	isDir := statErr == nil && st.IsDir()
	if keep && !isDir {
		return usagef("-keep-daily and -keep-weekly prune a folder of backups: -to must be an existing folder")
	}
	b, err := db.BackupTo(ctx, *c.path, m.backupOptions(*c.method))
	if err != nil {
		return err
	}
	var rows int64
	for _, n := range b.Tables {
		rows += n
	}
	fmt.Fprintf(m.Stdout, "backed up to %s: %s, schema version %s, %d tables, %d rows, %d bytes, SHA-256 %s\n",
		b.Path(), b.Method, b.SchemaVersion, len(b.Tables), rows, b.Size, b.SHA256)
	for _, t := range slices.Sorted(maps.Keys(b.Omitted)) {
		fmt.Fprintf(m.Stdout, "  not in this backup: %s (%d rows): %s\n", t, b.Tables[t], b.Omitted[t])
	}
	if !keep {
		return nil
	}
	removed, err := store.PruneBackups(*c.path, *c.keepDaily, *c.keepWeekly)
	for _, r := range removed {
		fmt.Fprintf(m.Stdout, "removed %s (taken %s)\n", r.File, r.CreatedAt.Format(time.RFC3339))
	}
	if err == nil {
		fmt.Fprintf(m.Stdout, "kept the newest backup of each of the last %d days and %d weeks; removed %d\n", *c.keepDaily, *c.keepWeekly, len(removed))
	}
	return err
}

func (m *Main) restore(ctx context.Context, db *store.DB, c command) error {
	b, err := db.RestoreFrom(ctx, *c.path, &store.RestoreOptions{Replace: *c.replace, PGRestore: m.PGRestore})
	var ne *store.NotEmptyError
	if errors.As(err, &ne) {
		return refusal{err.Error() + ": add -replace to replace it (back it up first)"}
	}
	if err != nil {
		return err
	}
	counts, err := db.RowCounts(ctx)
	if err != nil {
		return err
	}
	var rows int64
	for _, n := range counts {
		rows += n
	}
	fmt.Fprintf(m.Stdout, "restored %s (%s", *c.path, b.Method)
	if !b.CreatedAt.IsZero() {
		fmt.Fprintf(m.Stdout, ", taken %s", b.CreatedAt.Format(time.RFC3339))
	}
	fmt.Fprintf(m.Stdout, "): the store holds %d rows in %d tables\n", rows, len(counts))
	if err := db.CheckMigrations(ctx); err != nil {
		fmt.Fprintf(m.Stdout, "the restored schema is behind this build: run up (%v)\n", err)
	}
	return nil
}

func (m *Main) verify(ctx context.Context, g globals, args []string) error {
	cfs := flag.NewFlagSet("verify", flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	pos, err := parseInterleaved(cfs, args)
	if err != nil {
		return usagef("verify: %v", err)
	}
	if len(pos) != 1 {
		return usagef("verify takes one PATH")
	}
	opts := &store.VerifyOptions{PGRestore: m.PGRestore}
	if postgresDSN.MatchString(g.dsn) {
		opts.Postgres = g.dsn
	}
	report, err := store.VerifyBackup(ctx, pos[0], opts)
	var ve *store.VerifyError
	if err != nil && !errors.As(err, &ve) {
		if report != nil && report.Method == store.BackupPGDump && opts.Postgres == "" {
			return usagef("verifying a pg_dump backup restores it into a scratch database: pass -dsn with a Postgres server")
		}
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	for _, c := range report.Checks {
		mark := "ok"
		if !c.OK {
			mark = "FAILED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, mark, c.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if ve != nil {
		fmt.Fprintf(m.Stdout, "%s failed verification\n", report.Path)
		return errReported
	}
	fmt.Fprintf(m.Stdout, "%s is good\n", report.Path)
	return nil
}

func (m *Main) copy(ctx context.Context, g globals, args []string) error {
	cfs := flag.NewFlagSet("copy", flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	from := cfs.String("from", "", "source store")
	to := cfs.String("to", "", "destination store")
	pos, err := parseInterleaved(cfs, args)
	if err != nil {
		return usagef("copy: %v", err)
	}
	if *from == "" || *to == "" || len(pos) != 0 {
		return usagef("copy needs -from DSN and -to DSN")
	}
	src, err := store.Open(ctx, *from, &store.Options{Keys: g.ring})
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to, &store.Options{Keys: g.ring})
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
	res, err := store.CopyUsers(ctx, src, dst, &store.ExportOptions{Credentials: g.ring != nil})
	fmt.Fprintf(m.Stdout, "copied %d users (%d unchanged): %d health days, %d raw documents, %d heart-rate samples, %d sync states, %d work days, %d scored days, %d new XP entries, %d new achievements, %d items, %d new events, %d new zone changes, %d credentials\n",
		res.Users, res.Unchanged, res.HealthDays, res.RawDocuments, res.HeartRate, res.SyncStates, res.WorkDays, res.Scores, res.XP, res.Achievements, res.Items, res.Events, res.ZoneChanges, res.Credentials)
	if g.ring == nil {
		fmt.Fprintln(m.Stdout, "credentials were not copied: no encryption key (set -key or LIFEOPS_ENCRYPTION_KEY)")
	}
	return err
}

// postgresDSN tells a Postgres DSN (a URL or libpq's keyword/value form)
// from a SQLite file name.
var postgresDSN = regexp.MustCompile(`^\s*(postgres(ql)?://|[a-z_]+\s*=)`)

// list prints what a command did, or will do, to some migrations.
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
