// Package pgtest gives tests their own PostgreSQL schema on one shared
// database, so the tests of many packages and processes run in parallel
// without seeing each other's rows and leave nothing behind.
//
// The database is named by LIFEOPS_TEST_DATABASE_URL (default
// [DefaultURL]). When it cannot be reached, [Schema] skips the test with a
// message saying so, unless LIFEOPS_REQUIRE_POSTGRES=1, in which case the
// test fails: CI sets it so that Postgres tests never skip silently there.
//
// Every schema is named lt_<run>_<package>_<n>, where run is random per
// process. A process holds a session advisory lock on its run for as long
// as it lives; the first Schema call of a process drops the schemas of every
// run whose lock is free, that is, of processes that died before their
// cleanup ran.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lifeops/lifeops/store/internal/pgdsn"
)

// DefaultURL is the test database used when LIFEOPS_TEST_DATABASE_URL is
// not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// lockClass is the first key of the two-key advisory locks that mark a
// run as alive ("LOPT" in ASCII).
const lockClass = 0x4C4F5054

// URL returns LIFEOPS_TEST_DATABASE_URL, or DefaultURL when it is unset.
func URL() string {
	if u := os.Getenv("LIFEOPS_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Required reports whether LIFEOPS_REQUIRE_POSTGRES=1 asks for Postgres
// tests to fail rather than skip when the database is unreachable.
func Required() bool { return os.Getenv("LIFEOPS_REQUIRE_POSTGRES") == "1" }

// process is this test binary's run: its lock connection and counters.
// A test binary is one process, so one run serves all of its tests.
type process struct {
	once   sync.Once
	err    error
	admin  *sql.DB // small pool for creating and dropping schemas
	lock   *sql.Conn
	run    string
	prefix string
	n      atomic.Int64
}

var proc process

// Schema creates an empty schema for tb and returns URL() with that schema
// as the search_path of every connection. The schema is dropped when tb
// and its subtests finish. Open it with store.Open and migrate it.
func Schema(tb testing.TB) string {
	tb.Helper()
	if err := proc.start(); err != nil {
		if Required() {
			tb.Fatalf("pgtest: PostgreSQL at %s is required (LIFEOPS_REQUIRE_POSTGRES=1) but unusable: %v", pgdsn.Redact(URL()), err)
		}
		tb.Skipf("pgtest: skipping: PostgreSQL at %s is unreachable (%v); set LIFEOPS_TEST_DATABASE_URL, or LIFEOPS_REQUIRE_POSTGRES=1 to fail instead", pgdsn.Redact(URL()), err)
	}
	name := fmt.Sprintf("%s_%d", proc.prefix, proc.n.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := proc.admin.ExecContext(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := proc.admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	dsn, err := WithSearchPath(URL(), name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// WithSearchPath returns dsn (URL or key=value form) with its connections'
// search_path set to schema.
func WithSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", pgdsn.Redact(dsn), err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " search_path=" + schema, nil
}

func (p *process) start() error {
	p.once.Do(func() { p.err = p.init() })
	return p.err
}

func (p *process) init() error {
	cfg, err := pgx.ParseConfig(URL())
	if err != nil {
		return err
	}
	cfg.ConnectTimeout = 5 * time.Second
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(3)
	db.SetMaxIdleConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	lock, err := db.Conn(ctx)
	if err != nil {
		_ = db.Close()
		return err
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	p.run = hex.EncodeToString(b[:])
	if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_lock($1, $2)", lockClass, runKey(p.run)); err != nil {
		_ = lock.Close()
		_ = db.Close()
		return err
	}
	// The lock connection stays open until the process exits: that is what
	// tells other runs this one is alive.
	p.admin, p.lock = db, lock
	p.prefix = "lt_" + p.run + "_" + packageName()
	dropStale(ctx, db, p.run)
	return nil
}

var schemaRE = regexp.MustCompile(`^lt_([0-9a-f]{8})_`)

// dropStale drops the schemas of runs whose process is gone. Failures are
// ignored: stale schemas cost space, not correctness.
func dropStale(ctx context.Context, db *sql.DB, own string) {
	rows, err := db.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lt\_%'`)
	if err != nil {
		return
	}
	byRun := map[string][]string{}
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			if m := schemaRE.FindStringSubmatch(name); m != nil && m[1] != own {
				byRun[m[1]] = append(byRun[m[1]], name)
			}
		}
	}
	_ = rows.Close()
	for run, names := range byRun {
		conn, err := db.Conn(ctx)
		if err != nil {
			return
		}
		var free bool
		if conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockClass, runKey(run)).Scan(&free) == nil && free {
			for _, n := range names {
				_, _ = conn.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{n}.Sanitize()+" CASCADE")
			}
			_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, $2)", lockClass, runKey(run))
		}
		_ = conn.Close()
	}
}

func runKey(run string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(run))
	return int32(h.Sum32())
}

var nonIdent = regexp.MustCompile(`[^a-z0-9]+`)

// packageName names the test binary's package for schema names: "store"
// for store.test.
func packageName() string {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(os.Args[0])), ".test")
	base = strings.Trim(nonIdent.ReplaceAllString(base, "_"), "_")
	if len(base) > 30 {
		base = base[:30]
	}
	if base == "" {
		base = "pkg"
	}
	return base
}
