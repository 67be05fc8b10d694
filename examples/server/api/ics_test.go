package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/timeline"
)

// icalJS returns the path of Mozilla's ical.js (dist/ical.js of the npm
// package) and node, or skips: LIFEOPS_ICALJS names the package's
// directory (default: node_modules/ical.js under
// $LIFEOPS_NPM_CACHE or ~/.cache/lifeops/npm, where .ci/run installs it).
// With LIFEOPS_REQUIRE_ICALJS=1 a missing one fails the test instead.
func icalJS(t *testing.T) (node, lib string) {
	t.Helper()
	miss := func(why string) {
		if os.Getenv("LIFEOPS_REQUIRE_ICALJS") == "1" {
			t.Fatalf("ical.js is required (LIFEOPS_REQUIRE_ICALJS=1): %s", why)
		}
		t.Skipf("skipping: %s (.ci/run installs it)", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		miss("node is not installed")
	}
	dir := os.Getenv("LIFEOPS_ICALJS")
	if dir == "" {
		cache := os.Getenv("LIFEOPS_NPM_CACHE")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache", "lifeops", "npm")
		}
		dir = filepath.Join(cache, "node_modules", "ical.js")
	}
	lib = filepath.Join(dir, "dist", "ical.js")
	if _, err := os.Stat(lib); err != nil {
		miss("ical.js is not at " + lib)
	}
	return node, lib
}

// occurrence is one occurrence of a calendar: its item and its instants.
type occurrence struct {
	Item       string
	Start, End time.Time
}

// TestICSReadByICALJS: the calendar feed of a person in New York whose
// timeline has every kind of schedule, items on the wake time and bedtime
// (across midnight too), an item in the hour the clocks skip, measured
// wake times, a postponement, a skip and a completion, is expanded by
// Mozilla's ical.js over 90 days across the change to daylight time to
// exactly the occurrences the timeline gives.
func TestICSReadByICALJS(t *testing.T) {
	t.Parallel()
	node, lib := icalJS(t)
	e := newEnv(t, memstore.New())
	ctx := context.Background()
	// The person exists from mid-February; the clock is the 10th of March.
	early, err := lifeops.New(&lifeops.Config{Store: e.store, Clock: lifeops.ClockFunc(func() time.Time { return time.Date(2026, 2, 14, 12, 0, 0, 0, time.UTC) })})
	if err != nil {
		t.Fatal(err)
	}
	u, err := early.CreateUser(ctx, lifeops.NewUser{Name: "Ada, \"NY\"; tester", Zone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	at := func(h, m int) timeline.Anchor {
		return timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: h, Minute: m}}
	}
	mon := timeline.WeekStartOn(time.Monday)
	items := []timeline.Item{
		{Title: "In the gap", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily, WeekStart: mon}, Anchor: at(2, 30), DurationMinutes: 15},
		{Title: "Stretch", Kind: timeline.KindRoutine, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily, WeekStart: mon}, Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 20, DurationMinutes: 10},
		{Title: "Read, then sleep", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays, WeekStart: mon}, Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: -30, DurationMinutes: 20},
		{Title: "Late pill", Kind: timeline.KindMedication, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily, WeekStart: mon}, Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: 90, DurationMinutes: 5},
		{Title: "Gym", Kind: timeline.KindWorkout, Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Thursday}, Interval: 2, StartDate: civil.D(2026, 2, 16), WeekStart: mon}, Anchor: at(18, 0), DurationMinutes: 60},
		{Title: "Rent", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -1, WeekStart: mon}, Anchor: at(9, 0), DurationMinutes: 5},
		{Title: "Water plants", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 3, StartDate: civil.D(2026, 2, 15), WeekStart: mon}, Anchor: at(8, 0), DurationMinutes: 5},
		{Title: "Book club", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Friday, WeekStart: mon}, Anchor: at(19, 30), DurationMinutes: 90},
		{Title: "Dentist", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleOnce, Date: civil.D(2026, 4, 2), WeekStart: mon}, Anchor: at(11, 0), DurationMinutes: 45},
		{Title: "Review", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, RRule: "FREQ=WEEKLY;BYDAY=SU;COUNT=6", StartDate: civil.D(2026, 3, 1), WeekStart: mon}, Anchor: at(17, 0), DurationMinutes: 30},
		{Title: "Drink water", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily, WeekStart: mon},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{{Hour: 1, Minute: 45}, {Hour: 9}, {Hour: 15, Minute: 30}}}, DurationMinutes: 2},
		{Title: "Course", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays, WeekStart: mon}, Anchor: at(7, 0), DurationMinutes: 30, ActiveUntil: civil.D(2026, 3, 20)},
	}
	ids := map[string]uuid.UUID{}
	for _, it := range items {
		got, err := early.CreateItem(ctx, u.ID, lifeops.Item{Item: it})
		if err != nil {
			t.Fatalf("%s: %v", it.Title, err)
		}
		ids[it.Title] = got.ID
	}
	// Measured sleep on a few days moves the wake and bedtime items.
	ny, _ := time.LoadLocation("America/New_York")
	var days []lifeops.HealthDay
	for _, d := range []civil.Date{civil.D(2026, 3, 2), civil.D(2026, 3, 6), civil.D(2026, 3, 9)} {
		wake := time.Date(d.Year, d.Month, d.Day, 6, 12, 0, 0, ny)
		bed := wake.Add(-8 * time.Hour)
		days = append(days, lifeops.HealthDay{UserID: u.ID, Date: d, Source: "test", Bedtime: &bed, WakeTime: &wake, UpdatedAt: wake})
	}
	if err := e.store.PutHealthDays(ctx, days); err != nil {
		t.Fatal(err)
	}
	// A postponement, a skip, a completion.
	svc := e.svc
	if _, err := svc.Postpone(ctx, u.ID, ids["Water plants"], civil.D(2026, 3, 8), 0, lifeops.Postponement{Minutes: 90}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Skip(ctx, u.ID, ids["Stretch"], civil.D(2026, 3, 5), 0, "late"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Complete(ctx, u.ID, ids["Rent"], civil.D(2026, 2, 28), 0); err != nil {
		t.Fatal(err)
	}
	dev, err := svc.CreateDevice(ctx, u.ID, "test", e.api.refreshHash)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.api.grant(dev)
	if err != nil {
		t.Fatal(err)
	}
	noteSecret(g.AccessToken, g.RefreshToken)

	from := civil.D(2026, 2, 20)
	const n = 90
	feed := e.want(e.do(req{method: "GET", path: "/v1/me/timeline.ics?from=" + from.String() + "&days=90", token: g.AccessToken}), 200, "ics")
	if !bytes.Contains(feed.body, []byte("TZID:America/New_York")) || !bytes.Contains(feed.body, []byte("RECURRENCE-ID")) || !bytes.Contains(feed.body, []byte("EXDATE")) {
		t.Errorf("the feed lacks its zone, overrides or exceptions:\n%s", feed.body)
	}

	// What the timeline gives.
	tr, err := svc.TimelineRange(ctx, u.ID, from, from.AddDays(n-1))
	if err != nil {
		t.Fatal(err)
	}
	title := map[uuid.UUID]string{}
	for k, v := range ids {
		title[v] = k
	}
	type key struct {
		item uuid.UUID
		date civil.Date
		slot int
	}
	seen := map[key]timeline.Entry{}
	for _, f := range tr.Days {
		for _, en := range f.Entries {
			if en.CarriedOver {
				continue
			}
			k := key{en.ItemID, en.Date, en.Slot}
			if old, ok := seen[k]; ok && !old.PostponedFrom.IsZero() {
				continue
			}
			seen[k] = en
		}
	}
	var want []occurrence
	for _, en := range seen {
		if en.Status == timeline.StatusSkipped {
			continue
		}
		want = append(want, occurrence{fmt.Sprintf("%s#%d", title[en.ItemID], en.Slot), en.Start.UTC(), en.End.UTC()})
	}

	// What ical.js makes of the feed.
	lo := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, ny).Add(-12 * time.Hour)
	hi := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, ny).AddDate(0, 0, n+2)
	cmd := exec.CommandContext(t.Context(), node, "testdata/expand.mjs", lib, lo.UTC().Format(time.RFC3339), hi.UTC().Format(time.RFC3339))
	cmd.Stdin = bytes.NewReader(feed.body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js: %v\n%s", err, stderr.String())
	}
	var got []occurrence
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var o struct{ UID, Start, End string }
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("ical.js said %q: %v", line, err)
		}
		ref := strings.TrimSuffix(strings.TrimPrefix(o.UID, "item-"), "@lifeops")
		slot := "0"
		if len(ref) > 36 {
			ref, slot = ref[:36], ref[37:]
		}
		id, err := uuid.Parse(ref)
		if err != nil {
			t.Fatalf("uid %q", o.UID)
		}
		s, _ := time.Parse(time.RFC3339, o.Start)
		en, _ := time.Parse(time.RFC3339, o.End)
		got = append(got, occurrence{title[id] + "#" + slot, s.UTC(), en.UTC()})
	}
	sortOcc := func(os []occurrence) {
		slices.SortFunc(os, func(a, b occurrence) int {
			if c := a.Start.Compare(b.Start); c != 0 {
				return c
			}
			return strings.Compare(a.Item, b.Item)
		})
	}
	sortOcc(got)
	sortOcc(want)
	// ical.js expands the series past the range's first and last days:
	// compare on the dates whose occurrences the range holds.
	first, last := want[0].Start, want[len(want)-1].Start
	var trimmed []occurrence
	for _, o := range got {
		if !o.Start.Before(first) && !o.Start.After(last) {
			trimmed = append(trimmed, o)
		}
	}
	if d := cmp.Diff(want, trimmed); d != "" {
		t.Errorf("ical.js expands the feed to other occurrences than the timeline's (-timeline +ical.js):\n%s", d)
	}
	if len(want) < 300 {
		t.Errorf("only %d occurrences in 90 days: the timeline is not what the test means", len(want))
	}
}
