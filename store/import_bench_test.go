package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/timeline"
)

// bigExport builds a valid export of one person with a year of data: a
// health day, three provider documents, eight items' completions and
// their awards every day, and heart rate every five minutes (about 10 MB).
func bigExport(tb testing.TB) []byte {
	tb.Helper()
	id := uuid.New()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	x := &store.Export{Format: store.ExportFormat, Version: store.ExportVersion, ExportedAt: start,
		User: lifeops.User{ID: id, Name: "Big", Zone: "UTC", DayStartHour: 4, WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}, CreatedAt: start, UpdatedAt: start}}
	g := lifeops.DefaultGoals(id)
	x.Goals = &g
	var items []lifeops.Item
	for i := range 8 {
		items = append(items, lifeops.Item{Item: timeline.Item{ID: uuid.New(), Title: fmt.Sprintf("Item %d", i), Kind: timeline.KindRoutine,
			Schedule: timeline.Schedule{Type: timeline.ScheduleDaily}, Anchor: timeline.Anchor{Type: timeline.AnchorWake},
			OffsetMinutes: 10 * i, DurationMinutes: 10}, Difficulty: lifeops.DifficultyMedium, CreatedAt: start, UpdatedAt: start})
	}
	x.Items = items
	for d := range 365 {
		day := civil.D(2025, 1, 1).AddDays(d)
		at := start.Add(time.Duration(d) * 24 * time.Hour)
		x.HealthDays = append(x.HealthDays, lifeops.HealthDay{Date: day, Source: "oura", Steps: ptr(8000 + d), Sleep: &lifeops.ProviderScore{Value: 80, Contributors: map[string]int{"rem": 70, "deep": 85}}, UpdatedAt: at})
		for _, kind := range []string{"daily_sleep", "daily_activity", "sleep"} {
			data := fmt.Sprintf(`{"id":"%s-%d","day":"%s","score":80,"contributors":{"a":1,"b":2,"c":3},"pad":"%0600d"}`, kind, d, day, d)
			x.RawDocuments = append(x.RawDocuments, lifeops.RawDocument{Provider: "oura", Kind: kind, ID: fmt.Sprintf("%s-%d", kind, d), Date: day, Data: json.RawMessage(data), FetchedAt: at})
		}
		for _, it := range items {
			a, err := score.CompletionAward(score.Completion{ItemID: it.ID.String(), Date: day, Difficulty: score.Medium, OnTime: true, Streak: d + 1})
			if err != nil {
				tb.Fatal(err)
			}
			e := lifeops.XPEntry{Key: a.Key, Date: day, Kind: string(a.Kind), Points: a.Points, Reason: a.Reason, ItemID: it.ID, CreatedAt: at}
			for _, p := range a.Parts {
				e.Parts = append(e.Parts, lifeops.XPPart{Name: p.Name, Points: p.Points})
			}
			x.XP = append(x.XP, e)
			x.Events = append(x.Events, lifeops.Event{ID: uuid.New(), ItemID: it.ID, Date: day, Kind: lifeops.EventCompleted, At: at.Add(8 * time.Hour), CreatedAt: at.Add(8 * time.Hour)})
		}
		life := decimal.NewFromInt(70)
		x.Scores = append(x.Scores, lifeops.DayScores{Date: day, Life: &life, Habits: &lifeops.DomainScore{Value: life}, ComputedAt: at})
		for m := 0; m < 24*60; m += 5 {
			x.HeartRate = append(x.HeartRate, lifeops.HeartRateSample{At: at.Add(time.Duration(m) * time.Minute), BPM: 50 + m%40, Source: "rest"})
		}
	}
	var buf bytes.Buffer
	if err := store.WriteExport(&buf, x); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportBig streams a year of one person's data into memstore and
// SQLite. Floor: encoding/json decoding the same bytes into a store.Export,
// measured in the same run. Metrics: time and allocations as multiples of
// the floor's, and allocations per MB of document. (Opening and migrating
// the SQLite file happens off the clock but its allocations count.)
func BenchmarkImportBig(b *testing.B) {
	doc := bigExport(b)
	mb := float64(len(doc)) / (1 << 20)
	// The floor, timed by hand: testing.Benchmark cannot run inside a
	// benchmark. The fastest of five decodes, and its allocations.
	floorNs, floorAllocs := int64(0), uint64(0)
	for range 5 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		t := time.Now()
		var x store.Export
		if err := json.NewDecoder(bytes.NewReader(doc)).Decode(&x); err != nil {
			b.Fatal(err)
		}
		ns := time.Since(t).Nanoseconds()
		runtime.ReadMemStats(&after)
		if floorNs == 0 || ns < floorNs {
			floorNs = ns
		}
		floorAllocs = after.Mallocs - before.Mallocs
	}
	for _, target := range []struct {
		name string
		open func(b *testing.B) lifeops.Store
	}{
		{"memstore", func(*testing.B) lifeops.Store { return memstore.New() }},
		{"sqlite", func(b *testing.B) lifeops.Store {
			db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "import.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}},
	} {
		b.Run(target.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				b.StopTimer()
				dst := target.open(b)
				b.StartTimer()
				if _, err := store.ImportFrom(context.Background(), dst, bytes.NewReader(doc), nil); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			allocs := float64(after.Mallocs-before.Mallocs) / float64(b.N)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(floorNs), "x-json-time")
			b.ReportMetric(allocs/float64(floorAllocs), "x-json-allocs")
			b.ReportMetric(allocs/mb, "allocs/MB")
			b.ReportMetric(mb, "doc-MB")
		})
	}
}
