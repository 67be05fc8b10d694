// Command corebench measures the Service's hot use cases on the stores, as
// a table of ratios against a floor measured in the same run: one
// SELECT 1 round trip through the same pool.
//
// For each backend and each length of history it seeds a person
// (servicetest.Seed: eight daily items, most done most days, the ring's
// data, the days settled), gathers the database's statistics (ANALYZE, as
// a live database has them) and reports, over -calls calls each, the median
// and 99th percentile of Today, and of Complete and Undo of one of today's
// occurrences in turn; the allocations per Today; and Today's calls per
// second with 1, 2 and 4 callers at once.
//
//	go run ./examples/corebench
//	go run ./examples/corebench -pg postgres://postgres@127.0.0.1:5432/test?sslmode=disable -days 30,365,1095
//	go run ./examples/corebench -memory=false -cpuprofile cpu.out   # then go tool pprof cpu.out
//
// Without -pg it measures SQLite and the in-memory store. Postgres runs in
// a schema of its own, dropped at the end.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/lifeops/servicetest"
	"github.com/lifeops/lifeops/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "corebench:", err)
		os.Exit(1)
	}
}

// backend is a store to measure and its floor.
type backend struct {
	name  string
	open  func(ctx context.Context) (lifeops.Store, func() error, func(ctx context.Context) error, error)
	close func()
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("corebench", flag.ContinueOnError)
	pg := fs.String("pg", "", "a Postgres URL to measure too (a schema of its own is made and dropped)")
	daysFlag := fs.String("days", "30,365", "the lengths of history to measure, comma-separated")
	calls := fs.Int("calls", 300, "calls of each use case per measurement")
	memory := fs.Bool("memory", true, "measure the in-memory store too")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var lengths []int
	for _, f := range strings.Split(*daysFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 3660 {
			return fmt.Errorf("-days: %q is not a number of days from 1 to 3660", f)
		}
		lengths = append(lengths, n)
	}
	if *calls < 10 {
		return errors.New("-calls: at least 10")
	}
	dir, err := os.MkdirTemp("", "corebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var backends []backend
	if *memory {
		backends = append(backends, backend{name: "memstore", open: func(context.Context) (lifeops.Store, func() error, func(context.Context) error, error) {
			return memstore.New(), func() error { return nil }, nil, nil
		}})
	}
	n := 0
	backends = append(backends, backend{name: "sqlite", open: func(ctx context.Context) (lifeops.Store, func() error, func(context.Context) error, error) {
		n++
		return openSQL(ctx, filepath.Join(dir, fmt.Sprintf("bench%d.db", n)))
	}})
	if *pg != "" {
		schema, drop, err := newSchema(ctx, *pg)
		if err != nil {
			return err
		}
		defer drop()
		backends = append(backends, backend{name: "postgres", open: func(ctx context.Context) (lifeops.Store, func() error, func(context.Context) error, error) {
			return openSQL(ctx, schema)
		}})
	}

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store\tdays\tSELECT 1 p50\tToday p50\tToday p99\tallocs/Today\tComplete p50\tUndo p50\tToday/s ×1\t×2\t×4\t")
	for _, b := range backends {
		for _, days := range lengths {
			r, err := measure(ctx, b, days, *calls)
			if err != nil {
				return fmt.Errorf("%s, %d days: %w", b.name, days, err)
			}
			fmt.Fprintf(tw, "%s\t%d\t%v\t%s\t%s\t%d\t%s\t%s\t%.0f\t%.0f\t%.0f\t\n", b.name, days, r.floor,
				r.ratio(r.today.p50), r.ratio(r.today.p99), r.allocs, r.ratio(r.complete.p50), r.ratio(r.undo.p50),
				r.perSecond[0], r.perSecond[1], r.perSecond[2])
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nTimes are multiples of the median SELECT 1 round trip through the same pool (its column);")
	fmt.Fprintln(out, "the in-memory store has no round trip, so its times are absolute.")
	return nil
}

// openSQL opens and migrates the store at dsn, and returns its floor.
func openSQL(ctx context.Context, dsn string) (lifeops.Store, func() error, func(context.Context) error, error) {
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, nil, nil, errors.Join(err, db.Close())
	}
	floor := func(ctx context.Context) error {
		var one int
		return db.Bun().QueryRowContext(ctx, "SELECT 1").Scan(&one)
	}
	return db, db.Close, floor, nil
}

// newSchema makes a schema of its own on the Postgres of url and returns a
// URL that uses it, and the function that drops it.
func newSchema(ctx context.Context, raw string) (string, func(), error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", nil, fmt.Errorf("-pg: %w", err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	schema := "corebench_" + hex.EncodeToString(b)
	admin, err := store.Open(ctx, raw, nil)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Bun().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, errors.Join(err, admin.Close())
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		_, _ = admin.Bun().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = admin.Close()
	}
	return u.String(), drop, nil
}

// spread is the median and 99th percentile of some durations.
type spread struct{ p50, p99 time.Duration }

func spreadOf(ds []time.Duration) spread {
	slices.Sort(ds)
	return spread{p50: ds[len(ds)/2], p99: ds[min(len(ds)-1, len(ds)*99/100)]}
}

type result struct {
	floor          time.Duration // zero for the in-memory store, which has no round trip
	today          spread
	complete, undo spread
	allocs         uint64
	perSecond      [3]float64
}

// ratio shows d as a multiple of the floor.
func (r result) ratio(d time.Duration) string {
	if r.floor <= 0 {
		return d.String()
	}
	return fmt.Sprintf("%.1f×", float64(d)/float64(r.floor))
}

func measure(ctx context.Context, b backend, days, calls int) (result, error) {
	s, closeStore, floor, err := b.open(ctx)
	if err != nil {
		return result{}, err
	}
	defer closeStore()
	p, err := servicetest.Seed(ctx, s, days)
	if err != nil {
		return result{}, fmt.Errorf("seed: %w", err)
	}
	// Statistics as a live database has them (Postgres's autovacuum
	// analyzes a table that grew; SQLite's are gathered by ANALYZE), so
	// the planner sees a year of history as a year, not as the empty
	// tables it was created from.
	if db, ok := s.(*store.DB); ok {
		if _, err := db.Bun().ExecContext(ctx, "ANALYZE"); err != nil {
			return result{}, fmt.Errorf("analyze: %w", err)
		}
	}
	svc, err := lifeops.New(&lifeops.Config{Store: s, Clock: lifeops.ClockFunc(servicetest.Now)})
	if err != nil {
		return result{}, err
	}
	today := func() error { _, err := svc.Today(ctx, p.ID, civil.Date{}); return err }
	timed := func(f func() error) ([]time.Duration, error) {
		out := make([]time.Duration, 0, calls)
		for range calls {
			start := time.Now()
			if err := f(); err != nil {
				return nil, err
			}
			out = append(out, time.Since(start))
		}
		return out, nil
	}
	var r result
	// Warm the pool and the caches first.
	for range 20 {
		if err := today(); err != nil {
			return r, err
		}
	}
	if floor != nil {
		fl, err := timed(func() error { return floor(ctx) })
		if err != nil {
			return r, err
		}
		r.floor = spreadOf(fl).p50
	}
	td, err := timed(today)
	if err != nil {
		return r, err
	}
	r.today = spreadOf(td)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range calls {
		if err := today(); err != nil {
			return r, err
		}
	}
	runtime.ReadMemStats(&after)
	r.allocs = (after.Mallocs - before.Mallocs) / uint64(calls)

	it := p.Items[0]
	var completes, undos []time.Duration
	for range calls / 2 {
		start := time.Now()
		if _, err := svc.Complete(ctx, p.ID, it, civil.Date{}, 0); err != nil {
			return r, err
		}
		mid := time.Now()
		if _, err := svc.Undo(ctx, p.ID, it, civil.Date{}, 0); err != nil {
			return r, err
		}
		completes, undos = append(completes, mid.Sub(start)), append(undos, time.Since(mid))
	}
	r.complete, r.undo = spreadOf(completes), spreadOf(undos)

	for i, callers := range []int{1, 2, 4} {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for range callers {
			wg.Go(func() {
				for range calls / callers {
					if err := today(); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return r, err
		}
		r.perSecond[i] = float64(calls/callers*callers) / time.Since(start).Seconds()
	}
	return r, nil
}
