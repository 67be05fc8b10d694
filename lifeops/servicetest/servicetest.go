// Package servicetest runs the Service on a store, as one person's requests
// reach it in production: many at once, from several goroutines, several
// pools and several processes, and interleaved at chosen points. It holds
// the invariants every backend must keep with the Service on top:
//
//  1. An occurrence has a completion exactly when its XP entry exists; its
//     day's perfect-day bonus exists exactly when the day is perfect by the
//     stored events; the XP total is the sum of the ledger.
//  2. The stored scores of a day equal the scores computed again from the
//     stored data.
//  3. Concurrent updates of different fields of an item or a profile all
//     survive; a conditional update of a stale version is a conflict.
//  4. After concurrent zone changes, the zone history is ordered, each
//     change starts where the one before ended, and the last ends in the
//     profile's zone.
//
// Call [Run] from a test of the backend, and [Child] from its TestMain, so
// the scenarios that need a second process can start one:
//
//	func TestMain(m *testing.M) {
//		if servicetest.Child(open) {
//			return
//		}
//		os.Exit(m.Run())
//	}
package servicetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// Backend is a store under test.
type Backend struct {
	// New returns an empty, migrated store for one scenario, and a name
	// under which another pool or process opens the same database ("" when
	// the store lives in this process's memory only).
	New func(t *testing.T) (lifeops.Store, string)
	// Open opens another store, with a pool of its own, on the database
	// named by dsn, as a second process would. Nil when New gives no name.
	Open func(t testing.TB, dsn string) lifeops.Store
	// Rounds scales the scenarios' rounds; zero means 1.
	Rounds int
}

// Run runs every scenario on stores of b.
func Run(t *testing.T, b Backend) {
	t.Helper()
	scenarios := []struct {
		name string
		run  func(t *testing.T, b Backend)
	}{
		{"CompleteUndoSkipPostponeRace", testRace},
		{"ForcedInterleavings", testInterleavings},
		{"ConcurrentItemUpdates", testItemUpdates},
		{"ConcurrentProfileUpdates", testProfileUpdates},
		{"ConcurrentZoneChanges", testZoneChanges},
		{"ReadsNeverWrite", testReadsNeverWrite},
		{"SyncSetsAsideInvalidDocuments", testQuarantine},
		{"SyncMarksDeletedDocuments", testDeletedDocuments},
		{"ConcurrentRefreshes", testConcurrentRefreshes},
	}
	if b.Open != nil {
		scenarios = append(scenarios,
			struct {
				name string
				run  func(t *testing.T, b Backend)
			}{"TwoPools", testTwoPools},
			struct {
				name string
				run  func(t *testing.T, b Backend)
			}{"TwoProcesses", testTwoProcesses})
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			sc.run(t, b)
		})
	}
}

func (b Backend) rounds(n int) int { return n * max(b.Rounds, 1) }

// now is the instant every scenario runs at: an evening, so every
// occurrence of the day has begun.
var now = time.Date(2026, 3, 10, 21, 0, 0, 0, berlin())

func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}

// today and the two days before it are the days the scenarios act on.
var (
	today = civil.D(2026, 3, 10)
	days  = []civil.Date{today.AddDays(-2), today.AddDays(-1), today}
)

// person is a user with four daily items at fixed times, created the week
// before the days the scenarios act on.
type person struct {
	svc   *lifeops.Service
	store lifeops.Store
	id    uuid.UUID
	items []uuid.UUID
}

func newService(t testing.TB, s lifeops.Store, health lifeops.HealthSource) *lifeops.Service {
	t.Helper()
	svc, err := lifeops.New(&lifeops.Config{Store: s, Health: health, Clock: lifeops.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func newPerson(t testing.TB, s lifeops.Store) person {
	t.Helper()
	ctx := context.Background()
	early := lifeops.ClockFunc(func() time.Time { return now.AddDate(0, 0, -7) })
	setup, err := lifeops.New(&lifeops.Config{Store: s, Clock: early})
	if err != nil {
		t.Fatal(err)
	}
	u, err := setup.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	p := person{svc: newService(t, s, nil), store: s, id: u.ID}
	for i, hour := range []int{7, 8, 12, 18} {
		it, err := setup.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
			Title: fmt.Sprintf("Item %d", i), Kind: timeline.KindHabit,
			Schedule:        timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor:          timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: hour}},
			DurationMinutes: 10,
		}})
		if err != nil {
			t.Fatal(err)
		}
		p.items = append(p.items, it.ID)
	}
	return p
}

// expected tells the errors a racing request may meet: a conflict (a
// completion racing a skip) is the answer, not a failure.
func expected(err error) bool {
	return err == nil || errors.Is(err, lifeops.ErrConflict)
}

// act sends one random request about one of p's occurrences.
func act(ctx context.Context, svc *lifeops.Service, p person, r *rand.Rand) error {
	it, d := p.items[r.IntN(len(p.items))], days[r.IntN(len(days))]
	var err error
	switch r.IntN(7) {
	case 0, 1, 2:
		_, err = svc.Complete(ctx, p.id, it, d, 0)
	case 3, 4:
		_, err = svc.Undo(ctx, p.id, it, d, 0)
	case 5:
		_, err = svc.Skip(ctx, p.id, it, d, 0, "busy")
	default:
		_, err = svc.Postpone(ctx, p.id, it, d, 0, lifeops.Postponement{Minutes: 15})
	}
	return err
}

// race runs workers goroutines, each sending rounds random requests.
func race(t testing.TB, svc *lifeops.Service, p person, workers, rounds int, seed uint64) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for range rounds {
				if err := act(context.Background(), svc, p, r); !expected(err) {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a racing request failed: %v", err)
	}
}

func testRace(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	for round := range b.rounds(3) {
		race(t, p.svc, p, 6, 25, uint64(round))
		check(t, p)
	}
}

func testTwoPools(t *testing.T, b Backend) {
	s, dsn := b.New(t)
	p := newPerson(t, s)
	other := newService(t, b.Open(t, dsn), nil)
	for round := range b.rounds(2) {
		var wg sync.WaitGroup
		wg.Go(func() { race(t, p.svc, p, 3, 25, uint64(round)) })
		wg.Go(func() { race(t, other, p, 3, 25, uint64(round+100)) })
		wg.Wait()
		check(t, p)
	}
}

// childEnv names the variable that starts a process as a scenario's child.
const childEnv = "LIFEOPS_SERVICETEST_CHILD"

// childJob is what a parent asks of a child process.
type childJob struct {
	DSN   string      `json:"dsn"`
	User  uuid.UUID   `json:"user"`
	Items []uuid.UUID `json:"items"`
	Seed  uint64      `json:"seed"`
	Round int         `json:"rounds"`
}

func testTwoProcesses(t *testing.T, b Backend) {
	s, dsn := b.New(t)
	p := newPerson(t, s)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for round := range b.rounds(2) {
		job, err := json.Marshal(childJob{DSN: dsn, User: p.id, Items: p.items, Seed: uint64(round + 1000), Round: 60})
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(t.Context(), exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(job))
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		race(t, p.svc, p, 3, 20, uint64(round))
		if err := cmd.Wait(); err != nil {
			t.Fatalf("the second process failed: %v\n%s", err, out.String())
		}
		check(t, p)
	}
}

// Child plays the second process of a scenario when this process was
// started as one: it opens the database with open, sends the requests the
// parent asked for, and reports whether it did (the caller then exits; a
// failure exits with status 1). Call it first thing in TestMain.
func Child(open func(t testing.TB, dsn string) lifeops.Store) bool {
	raw := os.Getenv(childEnv)
	if raw == "" {
		return false
	}
	var job childJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		fmt.Fprintln(os.Stderr, "servicetest: bad job:", err)
		os.Exit(1)
	}
	t := &childT{}
	s := open(t, job.DSN)
	p := person{svc: newService(t, s, nil), store: s, id: job.User, items: job.Items}
	r := rand.New(rand.NewPCG(job.Seed, 0))
	for range job.Round {
		if err := act(context.Background(), p.svc, p, r); !expected(err) {
			t.Fatalf("a request of the second process failed: %v", err)
		}
	}
	t.cleanup()
	return true
}

// childT is the testing.TB of a child process: a failure exits.
type childT struct {
	testing.TB
	cleanups []func()
}

func (c *childT) Helper()                           {}
func (c *childT) Cleanup(f func())                  { c.cleanups = append(c.cleanups, f) }
func (c *childT) Fatal(args ...any)                 { c.fail(fmt.Sprint(args...)) }
func (c *childT) Fatalf(format string, args ...any) { c.fail(fmt.Sprintf(format, args...)) }
func (c *childT) Errorf(format string, args ...any) { c.fail(fmt.Sprintf(format, args...)) }
func (c *childT) Skip(args ...any)                  { c.fail(fmt.Sprint(args...)) }
func (c *childT) Name() string                      { return "servicetest-child" }
func (c *childT) Context() context.Context          { return context.Background() }
func (c *childT) TempDir() string                   { return os.TempDir() }

func (c *childT) fail(msg string) {
	fmt.Fprintln(os.Stderr, "servicetest:", msg)
	c.cleanup()
	os.Exit(1)
}

func (c *childT) cleanup() {
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
	c.cleanups = nil
}

// check holds invariants 1 and 2 for p over the scenario days.
func check(t testing.TB, p person) {
	t.Helper()
	ctx := context.Background()
	from, to := days[0], days[len(days)-1]
	events, err := p.store.Events(ctx, p.id, from, to)
	if err != nil {
		t.Fatal(err)
	}
	ledger, err := p.store.XPEntries(ctx, p.id, lifeops.XPQuery{})
	if err != nil {
		t.Fatal(err)
	}
	total, err := p.store.XPTotal(ctx, p.id)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	keys := map[string]lifeops.XPEntry{}
	for _, e := range ledger {
		sum += e.Points
		keys[e.Key] = e
	}
	if sum != total {
		t.Errorf("XP total %d, the ledger sums to %d", total, sum)
	}
	type occ struct {
		item uuid.UUID
		day  civil.Date
	}
	completed, skipped := map[occ]bool{}, map[civil.Date]int{}
	done := map[civil.Date]int{}
	for _, e := range events {
		switch e.Kind {
		case lifeops.EventCompleted:
			completed[occ{e.ItemID, e.Date}] = true
			done[e.Date]++
		case lifeops.EventSkipped:
			skipped[e.Date]++
		}
	}
	for o := range completed {
		if _, ok := keys[score.CompletionKey(o.item.String(), o.day, 0)]; !ok {
			t.Errorf("the completion of %s on %s has no XP", o.item, o.day)
		}
	}
	for _, e := range ledger {
		if e.Kind == string(score.KindCompletion) && !completed[occ{e.ItemID, e.Date}] {
			t.Errorf("XP %s is left of a completion that is gone", e.Key)
		}
	}
	for _, d := range days {
		counted := len(p.items) - skipped[d]
		perfect := counted > 0 && done[d] == counted
		if _, bonus := keys[score.PerfectDayKey(d)]; bonus != perfect {
			t.Errorf("%s: perfect-day bonus %v, but the day is perfect: %v (%d of %d done)", d, bonus, perfect, done[d], counted)
		}
		checkScores(t, p, d)
	}
}

// checkScores holds invariant 2 for day d: what is stored is what Today
// computes again from the stored data.
func checkScores(t testing.TB, p person, d civil.Date) {
	t.Helper()
	ctx := context.Background()
	stored, err := p.svc.Scores(ctx, p.id, d, d)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := p.svc.Today(ctx, p.id, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 {
		t.Errorf("%s: %d stored scores, want 1", d, len(stored))
		return
	}
	want, err := json.Marshal(struct {
		Life   *lifeops.Number      `json:"life"`
		Habits *lifeops.TodayDomain `json:"habits"`
	}{fresh.LifeScore.Value, fresh.Domains.Habits})
	if err != nil {
		t.Fatal(err)
	}
	view := stored[0].View()
	got, err := json.Marshal(struct {
		Life   *lifeops.Number      `json:"life"`
		Habits *lifeops.TodayDomain `json:"habits"`
	}{view.LifeScore, view.Habits})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: stored scores %s, computed again %s", d, got, want)
	}
}

// pauser wraps a store so that a test can stop a unit of work of the
// Service between two of its writes while other requests run.
type pauser struct {
	lifeops.Store
	entered *atomic.Int32 // Update calls begun
	arm     *atomic.Pointer[pause]
}

// pause stops the first unit of work that does what match accepts.
type pause struct {
	match   func(op string, e lifeops.Event) bool
	paused  chan struct{}
	release chan struct{}
}

func (s pauser) Update(ctx context.Context, userID uuid.UUID, fn func(tx lifeops.Store) error) error {
	s.entered.Add(1)
	return s.Store.Update(ctx, userID, func(tx lifeops.Store) error { return fn(pauser{tx, s.entered, s.arm}) })
}

func (s pauser) hold(op string, e lifeops.Event) {
	if p := s.arm.Load(); p != nil && p.match(op, e) && s.arm.CompareAndSwap(p, nil) {
		close(p.paused)
		<-p.release
	}
}

func (s pauser) AddEvent(ctx context.Context, e lifeops.Event) (lifeops.Event, bool, error) {
	out, created, err := s.Store.AddEvent(ctx, e)
	s.hold("add", e)
	return out, created, err
}

func (s pauser) DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, slot int, kind lifeops.EventKind) (bool, error) {
	ok, err := s.Store.DeleteEvent(ctx, userID, itemID, d, slot, kind)
	s.hold("delete", lifeops.Event{ItemID: itemID, Date: d, Kind: kind})
	return ok, err
}

// testInterleavings stops a completion right after it stored its event,
// and an undo right after it deleted one, while other requests about the
// same occurrence arrive; whatever order the store lets them run in, the
// invariants hold.
func testInterleavings(t *testing.T, b Backend) {
	cases := []struct {
		name   string
		first  string // the request stopped
		others []string
	}{
		{"undo arrives while a completion is halfway", "complete", []string{"undo"}},
		{"two undos and a completion while a completion is halfway", "complete", []string{"undo", "undo", "complete"}},
		{"a completion arrives while an undo is halfway", "undo", []string{"complete"}},
		{"a skip arrives while an undo is halfway", "undo", []string{"skip", "complete"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := b.New(t)
			ps := pauser{Store: s, entered: &atomic.Int32{}, arm: &atomic.Pointer[pause]{}}
			p := newPerson(t, ps)
			p.svc = newService(t, ps, nil)
			ctx := context.Background()
			it, d := p.items[0], today
			send := func(op string) error {
				var err error
				switch op {
				case "complete":
					_, err = p.svc.Complete(ctx, p.id, it, d, 0)
				case "undo":
					_, err = p.svc.Undo(ctx, p.id, it, d, 0)
				case "skip":
					_, err = p.svc.Skip(ctx, p.id, it, d, 0, "")
				}
				return err
			}
			if tc.first == "undo" {
				if err := send("complete"); err != nil {
					t.Fatal(err)
				}
			}
			pz := &pause{paused: make(chan struct{}), release: make(chan struct{}), match: func(op string, e lifeops.Event) bool {
				return (tc.first == "complete" && op == "add" && e.Kind == lifeops.EventCompleted) || (tc.first == "undo" && op == "delete")
			}}
			ps.arm.Store(pz)
			ps.entered.Store(0)
			var wg sync.WaitGroup
			errs := make(chan error, 1+len(tc.others))
			wg.Go(func() { errs <- send(tc.first) })
			<-pz.paused
			for _, op := range tc.others {
				wg.Go(func() { errs <- send(op) })
			}
			// Release once every other request has reached the store.
			for ps.entered.Load() < int32(1+len(tc.others)) {
				time.Sleep(time.Millisecond)
			}
			close(pz.release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if !expected(err) {
					t.Errorf("a request failed: %v", err)
				}
			}
			check(t, p)
		})
	}
}

func testItemUpdates(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	ctx := context.Background()
	it := p.items[0]
	rounds := b.rounds(8)
	type field struct {
		name string
		up   func(i int) lifeops.ItemUpdate
	}
	fields := []field{
		{"title", func(i int) lifeops.ItemUpdate { return lifeops.ItemUpdate{Title: ptr(fmt.Sprintf("Title %d", i))} }},
		{"duration", func(i int) lifeops.ItemUpdate { return lifeops.ItemUpdate{DurationMinutes: ptr(10 + i)} }},
		{"offset", func(i int) lifeops.ItemUpdate { return lifeops.ItemUpdate{OffsetMinutes: ptr(i)} }},
		{"xp", func(i int) lifeops.ItemUpdate { return lifeops.ItemUpdate{XP: ptr(20 + i)} }},
	}
	var wg sync.WaitGroup
	for _, f := range fields {
		wg.Go(func() {
			for i := 1; i <= rounds; i++ {
				if _, err := p.svc.UpdateItem(ctx, p.id, it, f.up(i)); err != nil {
					t.Errorf("update of %s: %v", f.name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := p.svc.Item(ctx, p.id, it)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != fmt.Sprintf("Title %d", rounds) || got.DurationMinutes != 10+rounds || got.OffsetMinutes != rounds || got.XP == nil || *got.XP != 20+rounds {
		t.Errorf("after concurrent updates of four fields: title %q, duration %d, offset %d, xp %v; want every field's last value (round %d)",
			got.Title, got.DurationMinutes, got.OffsetMinutes, got.XP, rounds)
	}
	if want := int64(1 + 4*rounds); got.Version != want {
		t.Errorf("version %d after %d updates, want %d", got.Version, 4*rounds, want)
	}
	// A conditional update of a stale version changes nothing.
	_, err = p.svc.UpdateItem(ctx, p.id, it, lifeops.ItemUpdate{Title: ptr("Stale"), IfVersion: got.Version - 1})
	var stale *lifeops.StaleError
	if !errors.As(err, &stale) || !errors.Is(err, lifeops.ErrConflict) || !errors.Is(err, lifeops.ErrStale) || stale.Current != got.Version {
		t.Errorf("update of a stale version: %v, want a StaleError at version %d", err, got.Version)
	}
	if again, _ := p.svc.Item(ctx, p.id, it); again.Title != got.Title {
		t.Errorf("a stale update changed the title to %q", again.Title)
	}
	if _, err := p.svc.UpdateItem(ctx, p.id, it, lifeops.ItemUpdate{Title: ptr("Fresh"), IfVersion: got.Version}); err != nil {
		t.Errorf("update of the current version: %v", err)
	}
	check(t, p)
}

func testProfileUpdates(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	ctx := context.Background()
	rounds := b.rounds(6)
	ups := []func(i int) lifeops.ProfileUpdate{
		func(i int) lifeops.ProfileUpdate { return lifeops.ProfileUpdate{Name: ptr(fmt.Sprintf("Ada %d", i))} },
		func(i int) lifeops.ProfileUpdate {
			return lifeops.ProfileUpdate{WakeTime: &civil.Clock{Hour: 6, Minute: i}}
		},
		func(i int) lifeops.ProfileUpdate {
			return lifeops.ProfileUpdate{Bedtime: &civil.Clock{Hour: 22, Minute: i}}
		},
	}
	var wg sync.WaitGroup
	for _, up := range ups {
		wg.Go(func() {
			for i := 1; i <= rounds; i++ {
				if _, err := p.svc.UpdateProfile(ctx, p.id, up(i)); err != nil {
					t.Errorf("profile update: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	u, err := p.svc.Profile(ctx, p.id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != fmt.Sprintf("Ada %d", rounds) || u.WakeTime != (civil.Clock{Hour: 6, Minute: rounds}) || u.Bedtime != (civil.Clock{Hour: 22, Minute: rounds}) {
		t.Errorf("after concurrent updates of three fields: %q, wake %s, bedtime %s; want each field's last value", u.Name, u.WakeTime, u.Bedtime)
	}
	_, err = p.svc.UpdateProfile(ctx, p.id, lifeops.ProfileUpdate{Name: ptr("Stale"), IfVersion: u.Version - 1})
	if !errors.Is(err, lifeops.ErrStale) {
		t.Errorf("profile update of a stale version: %v, want ErrStale", err)
	}
}

func testZoneChanges(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	ctx := context.Background()
	zones := []string{"Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "America/New_York"}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range b.rounds(4) {
				z := zones[(w+i)%len(zones)]
				if _, err := p.svc.UpdateProfile(ctx, p.id, lifeops.ProfileUpdate{Zone: &z}); err != nil {
					t.Errorf("zone change: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	u, err := p.svc.Profile(ctx, p.id)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := p.svc.ZoneChanges(ctx, p.id)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) == 0 {
		t.Fatal("no zone change recorded")
	}
	prev := "Europe/Berlin"
	for i, c := range changes {
		if c.From != prev {
			t.Errorf("change %d goes from %s, but the one before ended in %s", i, c.From, prev)
		}
		if i > 0 && !c.At.After(changes[i-1].At) {
			t.Errorf("change %d at %s is not after the one before (%s)", i, c.At, changes[i-1].At)
		}
		prev = c.To
	}
	if prev != u.Zone {
		t.Errorf("the last zone change ends in %s, the profile is in %s", prev, u.Zone)
	}
}

func ptr[T any](v T) *T { return &v }
