package days

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
)

func load(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestSetOpsAgainstMinutes checks Union, Or, And, Minus and Clip against a
// bitmap of minutes on random sets.
func TestSetOpsAgainstMinutes(t *testing.T) {
	t.Parallel()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 300
	rng := rand.New(rand.NewPCG(1, 2))
	randSet := func() ([]Span, [n]bool) {
		var bits [n]bool
		var spans []Span
		for range rng.IntN(8) {
			a := rng.IntN(n)
			b := min(n, a+rng.IntN(60))
			spans = append(spans, Span{base.Add(time.Duration(a) * time.Minute), base.Add(time.Duration(b) * time.Minute)})
			for i := a; i < b; i++ {
				bits[i] = true
			}
		}
		return spans, bits
	}
	toBits := func(s Set) (out [n]bool) {
		for i, x := range s {
			if !x.End.After(x.Start) {
				t.Fatalf("empty span in %v", s)
			}
			if i > 0 && !x.Start.After(s[i-1].End) {
				t.Fatalf("spans touch or overlap in %v", s)
			}
			for m := int(x.Start.Sub(base) / time.Minute); m < int(x.End.Sub(base)/time.Minute); m++ {
				out[m] = true
			}
		}
		return out
	}
	for range 2000 {
		as, ab := randSet()
		bs, bb := randSet()
		a, b := Union(as...), Union(bs...)
		lo, hi := rng.IntN(n), rng.IntN(n)
		w := Span{base.Add(time.Duration(lo) * time.Minute), base.Add(time.Duration(hi) * time.Minute)}
		var or, and, minus, clip [n]bool
		for i := range n {
			or[i], and[i], minus[i] = ab[i] || bb[i], ab[i] && bb[i], ab[i] && !bb[i]
			clip[i] = ab[i] && i >= lo && i < hi
		}
		if toBits(a) != ab {
			t.Fatalf("Union(%v) = %v", as, a)
		}
		if toBits(a.Or(b)) != or || toBits(a.And(b)) != and || toBits(a.Minus(b)) != minus || toBits(a.Clip(w)) != clip {
			t.Fatalf("set ops of %v and %v (window %d–%d) disagree with the bitmap", a, b, lo, hi)
		}
		count := 0
		for _, v := range and {
			if v {
				count++
			}
		}
		if a.And(b).Len() != time.Duration(count)*time.Minute {
			t.Fatalf("Len of %v", a.And(b))
		}
	}
}

// TestPiecesDSTAndDayStart: New York's spring-forward day lasts 23 hours and
// its fall-back day 25, both starting at the day-start hour.
func TestPiecesDSTAndDayStart(t *testing.T) {
	t.Parallel()
	ny := load(t, "America/New_York")
	l, err := New(workstats.Calendar{Zone: "America/New_York", DayStartHour: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		date civil.Date
		want time.Duration
	}{
		{civil.D(2025, 3, 8), 23 * time.Hour}, // 04:00 on the 8th to 04:00 on the 9th, across 02:00→03:00
		{civil.D(2025, 3, 9), 24 * time.Hour},
		{civil.D(2025, 11, 1), 25 * time.Hour}, // across 02:00→01:00 in the night of 1 to 2 November
	} {
		ps := l.Pieces(tc.date, tc.date)
		if len(ps) != 1 {
			t.Fatalf("%s: %d pieces", tc.date, len(ps))
		}
		if got := ps[0].Len(); got != tc.want {
			t.Errorf("%s lasts %s, want %s", tc.date, got, tc.want)
		}
		if want := time.Date(tc.date.Year, tc.date.Month, tc.date.Day, 4, 0, 0, 0, ny); !ps[0].Start.Equal(want) {
			t.Errorf("%s starts %s, want %s", tc.date, ps[0].Start, want)
		}
	}
}

// TestPiecesZoneChange: flying from Berlin to New York on 10 March 2025 at
// 12:00 UTC makes the 10th longer (04:00 CET to 04:00 EDT); the days before
// and after are whole days in their own zone.
func TestPiecesZoneChange(t *testing.T) {
	t.Parallel()
	berlin, ny := load(t, "Europe/Berlin"), load(t, "America/New_York")
	at := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	l, err := New(workstats.Calendar{Zone: "America/New_York", DayStartHour: 4,
		ZoneChanges: []lifeops.ZoneChange{{At: at, From: "Europe/Berlin", To: "America/New_York"}}})
	if err != nil {
		t.Fatal(err)
	}
	ps := l.Pieces(civil.D(2025, 3, 9), civil.D(2025, 3, 11))
	type got struct {
		Date       civil.Date
		Start, End time.Time
		Zone       string
	}
	var gs []got
	for _, p := range ps {
		gs = append(gs, got{p.Date, p.Start.UTC(), p.End.UTC(), p.Loc.String()})
	}
	want := []got{
		{civil.D(2025, 3, 9), time.Date(2025, 3, 9, 4, 0, 0, 0, berlin).UTC(), time.Date(2025, 3, 10, 4, 0, 0, 0, berlin).UTC(), "Europe/Berlin"},
		{civil.D(2025, 3, 10), time.Date(2025, 3, 10, 4, 0, 0, 0, berlin).UTC(), at, "Europe/Berlin"},
		{civil.D(2025, 3, 10), at, time.Date(2025, 3, 11, 4, 0, 0, 0, ny).UTC(), "America/New_York"},
		{civil.D(2025, 3, 11), time.Date(2025, 3, 11, 4, 0, 0, 0, ny).UTC(), time.Date(2025, 3, 12, 4, 0, 0, 0, ny).UTC(), "America/New_York"},
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("pieces (-want +got):\n%s", diff)
	}
	if l.ZoneAt(at.Add(-time.Second)) != berlin && l.ZoneAt(at.Add(-time.Second)).String() != "Europe/Berlin" {
		t.Errorf("ZoneAt before the change = %s", l.ZoneAt(at.Add(-time.Second)))
	}
	if l.ZoneAt(at).String() != "America/New_York" {
		t.Errorf("ZoneAt the change = %s", l.ZoneAt(at))
	}
	w := l.Window(civil.D(2025, 3, 9), civil.D(2025, 3, 11))
	if !w.Start.Equal(want[0].Start) || !w.End.Equal(want[3].End) {
		t.Errorf("Window = %v", w)
	}
}

// TestWorkingNightShiftAndDST: a 22:00–06:00 shift that starts the evening
// before counts in the morning of the day; on the fall-back night it lasts
// nine hours.
func TestWorkingNightShiftAndDST(t *testing.T) {
	t.Parallel()
	ny := load(t, "America/New_York")
	night := []workstats.Shift{{Start: civil.MustParseClock("22:00"), End: civil.MustParseClock("06:00")}}
	h := workstats.WorkingHours{Saturday: night}
	l, _ := New(workstats.Calendar{Zone: "America/New_York", DayStartHour: 0})
	// Saturday 1 November 2025: 22:00 until Sunday 06:00, across fall-back.
	sat := l.Pieces(civil.D(2025, 11, 1), civil.D(2025, 11, 1))[0]
	sun := l.Pieces(civil.D(2025, 11, 2), civil.D(2025, 11, 2))[0]
	if got := Working(h, sat).Len(); got != 2*time.Hour {
		t.Errorf("Saturday's part = %s, want 2h", got)
	}
	if got := Working(h, sun).Len(); got != 7*time.Hour {
		t.Errorf("Sunday's part = %s, want 7h (00:00–06:00 with 01:00 twice)", got)
	}
	// A shift ending at 00:00 ends at midnight after its start.
	h = workstats.WorkingHours{Monday: []workstats.Shift{{Start: civil.MustParseClock("18:00"), End: civil.Clock{}}}}
	mon := l.Pieces(civil.D(2025, 3, 3), civil.D(2025, 3, 3))[0]
	want := Set{{time.Date(2025, 3, 3, 18, 0, 0, 0, ny), time.Date(2025, 3, 4, 0, 0, 0, 0, ny)}}
	if diff := cmp.Diff(want, Working(h, mon)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestTally: minutes per date, the pieces of a date lived twice add up,
// rounding, clamps and days without data left out.
func TestTally(t *testing.T) {
	t.Parallel()
	berlin := load(t, "Europe/Berlin")
	l, _ := New(workstats.Calendar{Zone: "Europe/Berlin", DayStartHour: 4})
	at := func(d, h, m, s int) time.Time { return time.Date(2025, 6, d, h, m, s, 0, berlin) }
	work := Union(
		Span{at(2, 8, 0, 0), at(2, 12, 0, 0)},   // 240 in hours... from 09:00
		Span{at(2, 13, 0, 0), at(2, 19, 0, 29)}, // 360.48 → 17:00–19:00:29 after hours
		Span{at(3, 1, 0, 0), at(3, 2, 0, 0)},    // 01:00 on the 3rd belongs to the 2nd
	)
	meetings := Union(Span{at(2, 10, 0, 0), at(2, 11, 30, 0)}, Span{at(2, 11, 0, 0), at(2, 12, 30, 0)})
	h := workstats.DefaultWorkingHours()
	got := Tally(uuid.Nil, "test", l.Pieces(civil.D(2025, 6, 1), civil.D(2025, 6, 3)), Totals{
		Present: work, Work: work, Meetings: meetings, HasMeetings: true, Hours: &h,
		Breaks: func(p Piece) Set { return Union(Span{at(2, 12, 0, 0), at(2, 13, 0, 0)}).Clip(p.Span) },
	}, time.Time{})
	want := []lifeops.WorkDay{{
		Date: civil.D(2025, 6, 2), WorkMinutes: 240 + 360 + 60, AfterHoursMinutes: 60 + 120 + 60,
		MeetingMinutes: ptr(120), BreakMinutes: ptr(60), Source: "test",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func ptr(v int) *int { return &v }
