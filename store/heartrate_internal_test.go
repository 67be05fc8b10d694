package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lifeops/lifeops/store/pgtest"
)

func TestNormalizeSamples(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
	berlin := time.FixedZone("CEST", 2*3600)
	in := []hrSample{
		{At: t0.Add(10 * time.Minute), BPM: 70, Source: "rest"},
		{At: t0.Add(1500 * time.Nanosecond), BPM: 60, Source: "sleep"},
		{At: t0.In(berlin), BPM: 61, Source: "sleep"},                 // same instant as the next, other zone
		{At: t0.Add(999 * time.Nanosecond), BPM: 62, Source: "sleep"}, // truncates to t0: last wins
	}
	got := normalizeSamples(in)
	want := []hrSample{
		{At: t0, BPM: 62, Source: "sleep"},
		{At: t0.Add(time.Microsecond), BPM: 60, Source: "sleep"},
		{At: t0.Add(10 * time.Minute), BPM: 70, Source: "rest"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("normalizeSamples (-want +got):\n%s", diff)
	}
}

// benchDB opens a migrated store with one user for benchmarks and
// internal tests.
func benchDB(tb testing.TB, dsn string) (*DB, uuid.UUID) {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, dsn, &Options{MaxOpenConns: 4})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	user := uuid.New()
	now, _ := instant(time.Now()).Value()
	if _, err := db.bun.ExecContext(ctx,
		`INSERT INTO users (id, name, zone, day_start_hour, wake_minute, bed_minute, created_at, updated_at) VALUES (?, 'Bench', 'UTC', 4, 420, 1380, ?, ?)`,
		user.String(), now, now); err != nil {
		tb.Fatal(err)
	}
	return db, user
}

// yearOfSamples is one sample every five minutes for 365 days: 105,120.
func yearOfSamples() []hrSample {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]hrSample, 0, 365*288)
	for i := range 365 * 288 {
		src := "awake"
		if h := (i / 12) % 24; h < 7 {
			src = "sleep"
		}
		out = append(out, hrSample{At: start.Add(time.Duration(i) * 5 * time.Minute), BPM: 50 + i%60, Source: src})
	}
	return out
}

// BenchmarkHeartRateYear loads one year of 5-minute samples and reports
// each store path as a ratio to a hand-written floor timed in the same
// iteration on the same database:
//
//	load/copy:     store load into an empty range ÷ plain COPY of the rows
//	reload/staged: store load over the existing year ÷ a hand-written
//	               staged upsert (COPY into a temp table, INSERT … ON
//	               CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM, the
//	               guard the store uses too, so that neither rewrites an
//	               unchanged row), the same values again
//	revise/staged: the same over a year whose every value differs, so
//	               both write every row
//
// and, on SQLite, the rate in samples a second.
func BenchmarkHeartRateYear(b *testing.B) {
	samples := yearOfSamples()
	b.Run("postgres", func(b *testing.B) {
		db, user := benchDB(b, pgtest.Schema(b))
		ctx := context.Background()
		changed := make([]hrSample, len(samples))
		for i, s := range samples {
			s.BPM++
			changed[i] = s
		}
		var copyD, loadD, stagedD, reloadD, stagedChangedD, reloadChangedD time.Duration
		for b.Loop() {
			truncate(b, db)
			copyD += timed(b, func() error { return plainCopy(ctx, db, user, samples, "heart_rate") })
			truncate(b, db)
			loadD += timed(b, func() error { return db.loadHeartRate(ctx, user, samples) })
			stagedD += timed(b, func() error { return handStagedUpsert(ctx, db, user, samples) })
			reloadD += timed(b, func() error { return db.loadHeartRate(ctx, user, samples) })
			// Every value differs from the stored one: both write every row.
			stagedChangedD += timed(b, func() error { return handStagedUpsert(ctx, db, user, changed) })
			reloadChangedD += timed(b, func() error { return db.loadHeartRate(ctx, user, samples) })
		}
		b.ReportMetric(loadD.Seconds()/copyD.Seconds(), "load/copy")
		b.ReportMetric(reloadD.Seconds()/stagedD.Seconds(), "reload/staged")
		b.ReportMetric(reloadChangedD.Seconds()/stagedChangedD.Seconds(), "revise/staged")
		b.ReportMetric(float64(len(samples))*float64(b.N)/loadD.Seconds(), "load_samples/s")
		b.ReportMetric(float64(len(samples))*float64(b.N)/copyD.Seconds(), "copy_samples/s")
	})
	b.Run("sqlite", func(b *testing.B) {
		db, user := benchDB(b, filepath.Join(b.TempDir(), "bench.db"))
		ctx := context.Background()
		var loadD, reloadD time.Duration
		for b.Loop() {
			truncate(b, db)
			loadD += timed(b, func() error { return db.loadHeartRate(ctx, user, samples) })
			reloadD += timed(b, func() error { return db.loadHeartRate(ctx, user, samples) })
		}
		b.ReportMetric(float64(len(samples))*float64(b.N)/loadD.Seconds(), "load_samples/s")
		b.ReportMetric(float64(len(samples))*float64(b.N)/reloadD.Seconds(), "reload_samples/s")
	})
}

func timed(b *testing.B, fn func() error) time.Duration {
	b.Helper()
	start := time.Now()
	if err := fn(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func truncate(tb testing.TB, db *DB) {
	tb.Helper()
	q := "DELETE FROM heart_rate"
	if db.dialect == Postgres {
		q = "TRUNCATE heart_rate"
	}
	if _, err := db.bun.ExecContext(context.Background(), q); err != nil {
		tb.Fatal(err)
	}
}

// withPgx runs fn on a raw pgx connection of db.
func withPgx(ctx context.Context, db *DB, fn func(*pgx.Conn) error) error {
	conn, err := db.bun.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

// plainCopy is the floor for loads into an empty range: one COPY.
func plainCopy(ctx context.Context, db *DB, user uuid.UUID, samples []hrSample, table string) error {
	return withPgx(ctx, db, func(c *pgx.Conn) error {
		_, err := c.CopyFrom(ctx, pgx.Identifier{table}, hrColumns, pgx.CopyFromSlice(len(samples), func(i int) ([]any, error) {
			s := samples[i]
			return []any{pgtype.UUID{Bytes: user, Valid: true}, s.At, int16(s.BPM), s.Source}, nil
		}))
		return err
	})
}

// handStagedUpsert is the floor for reloads: the staged upsert written
// the plain way, with the same guard against rewriting unchanged rows as
// the store's.
func handStagedUpsert(ctx context.Context, db *DB, user uuid.UUID, samples []hrSample) error {
	return withPgx(ctx, db, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE hand_stage (LIKE heart_rate) ON COMMIT DROP`); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"hand_stage"}, hrColumns, hrCopySource(user, samples)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO heart_rate SELECT * FROM hand_stage
ON CONFLICT (user_id, at) DO UPDATE SET bpm = EXCLUDED.bpm, source = EXCLUDED.source
WHERE (heart_rate.bpm, heart_rate.source) IS DISTINCT FROM (EXCLUDED.bpm, EXCLUDED.source)`)
			return err
		})
	})
}
