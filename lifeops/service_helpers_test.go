package lifeops_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/timeline"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fakeHealth is a scripted health source. Days come from days (by kind and
// date); fail makes a kind fail; hrFailAfter makes the heart-rate stream fail
// after that many batches.
type fakeHealth struct {
	mu          sync.Mutex
	kinds       []lifeops.DataKind
	days        map[lifeops.DataKind]map[civil.Date]lifeops.HealthDay
	fail        map[lifeops.DataKind]error
	samples     []lifeops.HeartRateSample
	hrFailAfter int // 0: never
	hrErr       error
	calls       []string
	offsets     map[civil.Date]int // the UTC offsets the days were recorded at
}

var _ lifeops.HealthSource = (*fakeHealth)(nil)

func newFakeHealth() *fakeHealth {
	return &fakeHealth{kinds: lifeops.DayKinds(), days: map[lifeops.DataKind]map[civil.Date]lifeops.HealthDay{}, fail: map[lifeops.DataKind]error{}}
}

func (f *fakeHealth) Kinds() []lifeops.DataKind { return f.kinds }

// put records the data of one kind on one day.
func (f *fakeHealth) put(kind lifeops.DataKind, d lifeops.HealthDay) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.days[kind] == nil {
		f.days[kind] = map[civil.Date]lifeops.HealthDay{}
	}
	f.days[kind][d.Date] = d
}

func (f *fakeHealth) Days(ctx context.Context, userID uuid.UUID, kind lifeops.DataKind, from, to civil.Date) (lifeops.HealthBatch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s %s..%s", kind, from, to))
	if err := f.fail[kind]; err != nil {
		return lifeops.HealthBatch{}, err
	}
	var b lifeops.HealthBatch
	for d := from; !d.After(to); d = d.AddDays(1) {
		day, ok := f.days[kind][d]
		if !ok {
			continue
		}
		b.Days = append(b.Days, day)
		data, _ := json.Marshal(map[string]any{"id": string(kind) + "-" + d.String(), "day": d.String()})
		b.Documents = append(b.Documents, lifeops.RawDocument{Provider: "fake", Kind: string(kind), ID: string(kind) + "-" + d.String(), Date: d, Data: data})
		if off, ok := f.offsets[d]; ok {
			if b.Offsets == nil {
				b.Offsets = map[civil.Date]int{}
			}
			b.Offsets[d] = off
		}
	}
	return b, nil
}

func (f *fakeHealth) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) iter.Seq2[[]lifeops.HeartRateSample, error] {
	f.mu.Lock()
	samples := slices.Clone(f.samples)
	failAfter, hrErr := f.hrFailAfter, f.hrErr
	f.calls = append(f.calls, fmt.Sprintf("heartrate %s..%s", start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339)))
	f.mu.Unlock()
	return func(yield func([]lifeops.HeartRateSample, error) bool) {
		var in []lifeops.HeartRateSample
		for _, x := range samples {
			if !x.At.Before(start) && x.At.Before(end) {
				in = append(in, x)
			}
		}
		batches := 0
		for len(in) > 0 {
			if failAfter > 0 && batches == failAfter {
				yield(nil, hrErr)
				return
			}
			n := min(len(in), 100)
			if !yield(in[:n], nil) {
				return
			}
			in = in[n:]
			batches++
		}
	}
}

// bundle is a Service on a memstore with a settable clock.
type bundle struct {
	svc    *lifeops.Service
	store  *memstore.Store
	clock  *testClock
	health *fakeHealth
}

// berlin is the zone most tests use.
func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// setup returns a Service whose clock reads now.
func setup(t testing.TB, now time.Time) *bundle {
	t.Helper()
	b := &bundle{store: memstore.New(), clock: &testClock{t: now}, health: newFakeHealth()}
	svc, err := lifeops.New(&lifeops.Config{Store: b.store, Clock: b.clock, Health: b.health})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	return b
}

// user creates a user in Europe/Berlin with the default day start (04:00).
func (b *bundle) user(t testing.TB) lifeops.User {
	t.Helper()
	u, err := b.svc.CreateUser(context.Background(), lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// item creates a daily item anchored at a fixed clock.
func (b *bundle) item(t testing.TB, userID uuid.UUID, title string, at civil.Clock) lifeops.Item {
	t.Helper()
	it, err := b.svc.CreateItem(context.Background(), userID, lifeops.Item{Item: timeline.Item{
		Title: title, Kind: timeline.KindHabit,
		Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: at}, DurationMinutes: 15,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func mustOK[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t testing.TB, err error, code lifeops.Code) {
	t.Helper()
	if got := lifeops.ErrorCode(err); got != code {
		t.Errorf("error %v has code %q, want %q", err, got, code)
	}
}

var errDown = lifeops.Errorf(lifeops.CodeUnavailable, "The provider is down.")
