package timeline_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func id(n byte) uuid.UUID { return uuid.UUID{15: n} }

func clock(s string) civil.Clock { return civil.MustParseClock(s) }

func item(n byte, title string, s timeline.Schedule, a timeline.Anchor, offset, dur int) timeline.Item {
	return timeline.Item{ID: id(n), Title: title, Kind: timeline.KindHabit, Schedule: s, Anchor: a, OffsetMinutes: offset, DurationMinutes: dur}
}

var (
	daily = timeline.Schedule{Type: timeline.ScheduleDaily}
	wake  = timeline.Anchor{Type: timeline.AnchorWake}
)

func fixed(c string) timeline.Anchor {
	return timeline.Anchor{Type: timeline.AnchorFixed, Time: clock(c)}
}

// line is the part of an entry most tests compare.
type line struct {
	Title  string
	Start  string // RFC 3339 in the feed's zone
	Status timeline.Status
	Date   string
	Extra  string `json:",omitempty"`
}

func lines(f timeline.Feed) []line {
	var out []line
	for _, e := range f.Entries {
		l := line{Title: e.Title, Start: e.Start.Format(time.RFC3339), Status: e.Status, Date: e.Date.String()}
		switch {
		case e.CarriedOver:
			l.Extra = "carried"
		case !e.PostponedFrom.IsZero():
			l.Extra = "from " + e.PostponedFrom.String()
		case !e.PostponedTo.IsZero():
			l.Extra = "to " + e.PostponedTo.String()
		}
		out = append(out, l)
	}
	return out
}

func mustFeed(t *testing.T, in timeline.FeedInput) timeline.Feed {
	t.Helper()
	f, err := timeline.BuildFeed(in)
	if err != nil {
		t.Fatalf("BuildFeed: %v", err)
	}
	return f
}

func TestFeedAnchors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		zone    string
		date    string
		anchors timeline.Anchors
		it      timeline.Item
		want    string // start, RFC 3339
	}{
		{"wake at 23:30 plus 90 minutes is the next calendar date, same feed day", "Europe/London", "2025-06-10",
			timeline.Anchors{DefaultWake: clock("23:30"), DefaultBedtime: clock("23:45")},
			item(1, "late", daily, wake, 90, 0), "2025-06-11T01:00:00+01:00"},
		{"actual wake wins over the default", "Europe/London", "2025-06-10",
			timeline.Anchors{Wake: time.Date(2025, 6, 10, 5, 12, 0, 0, time.UTC), DefaultWake: clock("07:00")},
			item(1, "walk", daily, wake, 30, 0), "2025-06-10T06:42:00+01:00"},
		{"bedtime after midnight ends the same feed day", "Europe/London", "2025-06-10",
			timeline.Anchors{DefaultWake: clock("07:00"), DefaultBedtime: clock("00:30")},
			item(1, "read", daily, timeline.Anchor{Type: timeline.AnchorBedtime}, -45, 0), "2025-06-10T23:45:00+01:00"},
		{"negative offset from a fixed clock", "Asia/Kolkata", "2025-06-10",
			timeline.Anchors{DefaultWake: clock("07:00")},
			item(1, "prep", daily, fixed("00:10"), -30, 0), "2025-06-09T23:40:00+05:30"},
		{"offset is elapsed time across fall back (New York)", "America/New_York", "2025-11-02",
			timeline.Anchors{DefaultWake: clock("01:30"), DefaultBedtime: clock("22:00")},
			item(1, "x", daily, wake, 60, 0), "2025-11-02T01:30:00-05:00"},
		{"offset is elapsed time across a 30-minute fall back (Lord Howe)", "Australia/Lord_Howe", "2025-04-06",
			timeline.Anchors{DefaultWake: clock("01:40"), DefaultBedtime: clock("22:00")},
			item(1, "x", daily, wake, 30, 0), "2025-04-06T01:40:00+10:30"},
		{"wake inside the spring-forward gap moves forward first (Chatham)", "Pacific/Chatham", "2025-09-28",
			timeline.Anchors{DefaultWake: clock("03:00"), DefaultBedtime: clock("22:00")},
			item(1, "x", daily, wake, 15, 0), "2025-09-28T04:15:00+13:45"},
		{"fixed 00:00 on a day without midnight (Havana)", "America/Havana", "2025-03-09",
			timeline.Anchors{DefaultWake: clock("07:00")},
			item(1, "x", daily, fixed("00:00"), 0, 0), "2025-03-09T01:00:00-04:00"},
		{"fixed 00:15 on a day without midnight (Santiago)", "America/Santiago", "2025-09-07",
			timeline.Anchors{DefaultWake: clock("07:00")},
			item(1, "x", daily, fixed("00:15"), 0, 0), "2025-09-07T01:15:00-03:00"},
		{"fixed clock in the fall-back hour takes the first (London)", "Europe/London", "2025-10-26",
			timeline.Anchors{DefaultWake: clock("07:00")},
			item(1, "x", daily, fixed("01:30"), 0, 0), "2025-10-26T01:30:00+01:00"},
		{"the day after Apia's skipped day", "Pacific/Apia", "2011-12-31",
			timeline.Anchors{DefaultWake: clock("07:00")},
			item(1, "x", daily, wake, 0, 0), "2011-12-31T07:00:00+14:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(tt.zone)
			date := d(tt.date)
			f := mustFeed(t, timeline.FeedInput{
				Date: date, Location: loc, Now: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
				View: timeline.ViewExpanded, Items: []timeline.Item{tt.it}, Anchors: tt.anchors,
			})
			if len(f.Entries) != 1 {
				t.Fatalf("got %d entries, want 1", len(f.Entries))
			}
			e := f.Entries[0]
			if got := e.Start.Format(time.RFC3339); got != tt.want {
				t.Errorf("start = %s, want %s", got, tt.want)
			}
			if e.Date != date {
				t.Errorf("entry date = %s, want the feed date %s", e.Date, date)
			}
			o, ok := tt.it.Occurrence(date, tt.anchors, loc)
			if !ok || !o.Start.Equal(e.Start) || o.Date != date {
				t.Errorf("Occurrence = %+v, %v; want the feed entry's start", o, ok)
			}
		})
	}
}

// feedDay is 2025-03-10 in New York, the Monday after spring forward.
type feedFixture struct {
	loc  *time.Location
	date civil.Date
	in   timeline.FeedInput
}

func newFixture(items ...timeline.Item) feedFixture {
	loc := mustLoad("America/New_York")
	date := d("2025-03-10")
	return feedFixture{loc: loc, date: date, in: timeline.FeedInput{
		Date: date, Location: loc, View: timeline.ViewExpanded, Items: items,
		Anchors: timeline.Anchors{DefaultWake: clock("07:00"), DefaultBedtime: clock("23:00")},
	}}
}

func (f feedFixture) at(hhmm string) time.Time {
	c := clock(hhmm)
	return time.Date(f.date.Year, f.date.Month, f.date.Day, c.Hour, c.Minute, 0, 0, f.loc)
}

func TestFeedStatusesAndEvents(t *testing.T) {
	t.Parallel()
	walk := item(1, "Walk", daily, wake, 30, 20)             // 07:30–07:50
	pill := item(2, "Pill", daily, fixed("08:00"), 0, 0)     // 08:00
	lunch := item(3, "Lunch", daily, fixed("12:00"), 0, 30)  // 12:00–12:30
	read := item(4, "Read", daily, fixed("21:00"), 0, 30)    // 21:00–21:30
	carry := item(5, "Journal", daily, fixed("22:00"), 0, 0) // 22:00
	carry.Missed = timeline.MissedCarryOver
	fx := newFixture(walk, pill, lunch, read, carry)
	prev := fx.date.AddDays(-1)
	ev := func(it timeline.Item, date civil.Date, typ timeline.EventType, mods ...func(*timeline.Event)) timeline.Event {
		e := timeline.Event{ItemID: it.ID, Date: date, Type: typ, At: fx.at("06:00")}
		for _, m := range mods {
			m(&e)
		}
		return e
	}
	to := func(t time.Time) func(*timeline.Event) { return func(e *timeline.Event) { e.To = t } }
	toDate := func(x civil.Date) func(*timeline.Event) { return func(e *timeline.Event) { e.ToDate = x } }
	reason := func(s string) func(*timeline.Event) { return func(e *timeline.Event) { e.Reason = s } }

	tests := []struct {
		name   string
		now    string
		view   timeline.View
		events []timeline.Event
		want   []line
	}{
		{"morning, nothing done: yesterday's journal is carried over", "09:00", timeline.ViewExpanded, nil, []line{
			{"Journal", "2025-03-09T22:00:00-04:00", timeline.StatusOverdue, "2025-03-09", "carried"},
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"an entry under way is still pending", "07:40", timeline.ViewDefault, nil, []line{
			{"Journal", "2025-03-09T22:00:00-04:00", timeline.StatusOverdue, "2025-03-09", "carried"},
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"default view: overdue first, done and skipped hidden", "09:00", timeline.ViewDefault, []timeline.Event{
			ev(walk, fx.date, timeline.EventCompleted),
			ev(carry, prev, timeline.EventSkipped, reason("tired")),
		}, []line{
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"completed and skipped show in the expanded view", "09:00", timeline.ViewExpanded, []timeline.Event{
			ev(walk, fx.date, timeline.EventCompleted),
			ev(pill, fx.date, timeline.EventSkipped, reason("ran out")),
			ev(carry, prev, timeline.EventCompleted),
		}, []line{
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusCompleted, "2025-03-10", ""},
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusSkipped, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"postponed to a later instant the same day", "09:00", timeline.ViewDefault, []timeline.Event{
			ev(pill, fx.date, timeline.EventPostponed, to(fx.at("13:00"))),
			ev(carry, prev, timeline.EventCompleted),
		}, []line{
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Pill", "2025-03-10T13:00:00-04:00", timeline.StatusPostponed, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"a postponed entry whose new time passed is overdue", "14:00", timeline.ViewExpanded, []timeline.Event{
			ev(pill, fx.date, timeline.EventPostponed, to(fx.at("13:00"))),
			ev(walk, fx.date, timeline.EventCompleted),
			ev(carry, prev, timeline.EventCompleted),
			ev(lunch, fx.date, timeline.EventCompleted),
		}, []line{
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusCompleted, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusCompleted, "2025-03-10", ""},
			{"Pill", "2025-03-10T13:00:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"moved away to tomorrow, and moved in from two days ago", "09:00", timeline.ViewExpanded, []timeline.Event{
			ev(lunch, fx.date, timeline.EventPostponed, toDate(fx.date.AddDays(1))),
			ev(read, fx.date.AddDays(-2), timeline.EventPostponed, toDate(fx.date)),
			ev(pill, fx.date.AddDays(-3), timeline.EventPostponed, toDate(fx.date), to(fx.at("18:00"))),
			ev(carry, prev, timeline.EventCompleted),
			ev(walk, fx.date, timeline.EventCompleted),
		}, []line{
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusCompleted, "2025-03-10", ""},
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPostponed, "2025-03-10", "to 2025-03-11"},
			{"Pill", "2025-03-10T18:00:00-04:00", timeline.StatusPending, "2025-03-07", "from 2025-03-07"},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-08", "from 2025-03-08"},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		// Undoing removes events: the walk's completion and the pill's are
		// gone, and the pill's postponement stays.
		{"after an undo the feed reads the events that remain", "09:00", timeline.ViewExpanded, []timeline.Event{
			ev(pill, fx.date, timeline.EventPostponed, to(fx.at("10:00"))),
			ev(carry, prev, timeline.EventCompleted),
		}, []line{
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusOverdue, "2025-03-10", ""},
			{"Pill", "2025-03-10T10:00:00-04:00", timeline.StatusPostponed, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"before yesterday's late item ended it is not carried", "00:00", timeline.ViewExpanded, []timeline.Event{
			ev(carry, prev, timeline.EventPostponed, to(time.Date(2025, 3, 10, 0, 30, 0, 0, fx.loc))),
		}, []line{
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"carried over at its postponed time once missed", "01:00", timeline.ViewDefault, []timeline.Event{
			ev(carry, prev, timeline.EventPostponed, to(time.Date(2025, 3, 10, 0, 30, 0, 0, fx.loc))),
		}, []line{
			{"Journal", "2025-03-10T00:30:00-04:00", timeline.StatusOverdue, "2025-03-09", "carried"},
			{"Walk", "2025-03-10T07:30:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Pill", "2025-03-10T08:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"an occurrence moved to yesterday and missed there is carried", "09:00", timeline.ViewDefault, []timeline.Event{
			ev(carry, fx.date.AddDays(-4), timeline.EventPostponed, toDate(prev)),
			ev(carry, prev, timeline.EventCompleted),
			ev(walk, fx.date, timeline.EventCompleted),
			ev(pill, fx.date, timeline.EventCompleted),
		}, []line{
			{"Journal", "2025-03-09T22:00:00-04:00", timeline.StatusOverdue, "2025-03-06", "carried"},
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
		{"events outside the window and of unknown items are ignored", "09:00", timeline.ViewDefault, []timeline.Event{
			ev(walk, fx.date.AddDays(-30), timeline.EventPostponed, toDate(fx.date.AddDays(-20))),
			{ItemID: id(99), Date: fx.date, Type: timeline.EventCompleted, At: fx.at("08:00")},
			{ItemID: id(99), Date: prev, Type: timeline.EventPostponed, ToDate: fx.date, At: fx.at("08:00")},
			ev(carry, prev, timeline.EventCompleted),
			ev(walk, fx.date, timeline.EventCompleted),
			ev(pill, fx.date, timeline.EventCompleted),
		}, []line{
			{"Lunch", "2025-03-10T12:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Read", "2025-03-10T21:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
			{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := fx.in
			in.Now = fx.at(tt.now)
			in.View = tt.view
			in.Events = tt.events
			f := mustFeed(t, in)
			if diff := cmp.Diff(tt.want, lines(f)); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFeedDropPolicyDoesNotCarry(t *testing.T) {
	t.Parallel()
	journal := item(1, "Journal", daily, fixed("22:00"), 0, 0) // Missed empty: drop
	fx := newFixture(journal)
	fx.in.Now = fx.at("09:00")
	f := mustFeed(t, fx.in)
	want := []line{{"Journal", "2025-03-10T22:00:00-04:00", timeline.StatusPending, "2025-03-10", ""}}
	if diff := cmp.Diff(want, lines(f)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFeedCarriesOverOnlyOnce(t *testing.T) {
	t.Parallel()
	journal := item(1, "Journal", timeline.Schedule{Type: timeline.ScheduleOnce, Date: d("2025-03-08")}, fixed("22:00"), 0, 0)
	journal.Missed = timeline.MissedCarryOver
	fx := newFixture(journal)
	fx.in.Now = fx.at("09:00")
	fx.in.Date = d("2025-03-09")
	if got := lines(mustFeed(t, fx.in)); len(got) != 1 || got[0].Status != timeline.StatusOverdue || got[0].Extra != "carried" {
		t.Errorf("the day after: %+v, want the carried entry", got)
	}
	fx.in.Date = d("2025-03-10")
	if got := lines(mustFeed(t, fx.in)); len(got) != 0 {
		t.Errorf("two days after: %+v, want nothing", got)
	}
}

func TestFeedOrderIsStable(t *testing.T) {
	t.Parallel()
	a := item(2, "Same", daily, fixed("08:00"), 0, 0)
	b := item(1, "Same", daily, fixed("08:00"), 0, 0)
	c := item(3, "Alpha", daily, fixed("08:00"), 0, 0)
	fx := newFixture(a, b, c)
	fx.in.Now = fx.at("06:00")
	for _, items := range [][]timeline.Item{{a, b, c}, {c, b, a}, {b, c, a}} {
		fx.in.Items = items
		f := mustFeed(t, fx.in)
		var got []uuid.UUID
		for _, e := range f.Entries {
			got = append(got, e.ItemID)
		}
		if diff := cmp.Diff([]uuid.UUID{id(3), id(1), id(2)}, got); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
	}
}

// TestFeedOrderFollowsInstants: in the fall-back hour 01:30 EDT comes before
// 01:00 EST even though its wall clock is later.
func TestFeedOrderFollowsInstants(t *testing.T) {
	t.Parallel()
	loc := mustLoad("America/New_York")
	first := item(1, "first", daily, fixed("01:30"), 0, 0)                               // 05:30Z
	second := item(2, "second", daily, timeline.Anchor{Type: timeline.AnchorWake}, 0, 0) // actual wake 06:00Z = 01:00 EST
	f := mustFeed(t, timeline.FeedInput{
		Date: d("2025-11-02"), Location: loc, Now: time.Date(2025, 11, 1, 0, 0, 0, 0, loc), View: timeline.ViewExpanded,
		Items:   []timeline.Item{second, first},
		Anchors: timeline.Anchors{Wake: time.Date(2025, 11, 2, 6, 0, 0, 0, time.UTC), DefaultWake: clock("07:00")},
	})
	want := []line{
		{"first", "2025-11-02T01:30:00-04:00", timeline.StatusPending, "2025-11-02", ""},
		{"second", "2025-11-02T01:00:00-05:00", timeline.StatusPending, "2025-11-02", ""},
	}
	if diff := cmp.Diff(want, lines(f)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFeedApiaSkippedDay(t *testing.T) {
	t.Parallel()
	apia := mustLoad("Pacific/Apia")
	journal := item(1, "Journal", daily, fixed("21:00"), 0, 0)
	journal.Missed = timeline.MissedCarryOver
	in := timeline.FeedInput{
		Date: d("2011-12-30"), Location: apia, Now: time.Date(2011, 12, 31, 12, 0, 0, 0, apia),
		View: timeline.ViewExpanded, Items: []timeline.Item{journal},
		Anchors: timeline.Anchors{DefaultWake: clock("07:00")},
	}
	_, err := timeline.BuildFeed(in)
	var ve *timeline.ValidationError
	if !errors.As(err, &ve) || ve.Field != "date" {
		t.Fatalf("feed for 2011-12-30 in Apia: %v, want a ValidationError for date", err)
	}
	// On the 31st, the missed journal of the 29th (the previous day that
	// happened) is carried over.
	in.Date = d("2011-12-31")
	want := []line{
		{"Journal", "2011-12-29T21:00:00-10:00", timeline.StatusOverdue, "2011-12-29", "carried"},
		{"Journal", "2011-12-31T21:00:00+14:00", timeline.StatusPending, "2011-12-31", ""},
	}
	if diff := cmp.Diff(want, lines(mustFeed(t, in))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBuildFeedInvalidInput(t *testing.T) {
	t.Parallel()
	loc := mustLoad("Europe/London")
	good := timeline.FeedInput{Date: d("2025-01-06"), Location: loc, Now: time.Date(2025, 1, 6, 9, 0, 0, 0, loc)}
	tests := []struct {
		name   string
		mod    func(*timeline.FeedInput)
		fields []string
	}{
		{"no date", func(in *timeline.FeedInput) { in.Date = civil.Date{} }, []string{"date"}},
		{"bad date", func(in *timeline.FeedInput) { in.Date = civil.D(2025, 2, 29) }, []string{"date"}},
		{"no zone", func(in *timeline.FeedInput) { in.Location = nil }, []string{"timezone"}},
		{"no now", func(in *timeline.FeedInput) { in.Now = time.Time{} }, []string{"now"}},
		{"bad view", func(in *timeline.FeedInput) { in.View = "compact" }, []string{"view"}},
		{"bad item", func(in *timeline.FeedInput) {
			in.Items = []timeline.Item{item(1, "ok", daily, wake, 0, 0), item(2, "", timeline.Schedule{Type: timeline.ScheduleWeekly}, wake, 2000, 0)}
		}, []string{"items[1].title", "items[1].schedule.days", "items[1].offset_minutes"}},
		{"bad event", func(in *timeline.FeedInput) {
			in.Events = []timeline.Event{{ItemID: id(1), Date: d("2025-01-06"), Type: timeline.EventPostponed, At: in.Now, ToDate: d("2025-02-06")}}
		}, []string{"events[0].to_date"}},
		// Instants that cannot be the day's anchors, which a feed would
		// otherwise place and sort years away and fail to encode.
		{"far wake", func(in *timeline.FeedInput) { in.Anchors.Wake = time.Date(30000, 1, 6, 7, 0, 0, 0, time.UTC) }, []string{"anchors.wake"}},
		{"old bedtime", func(in *timeline.FeedInput) { in.Anchors.Bedtime = time.Date(2024, 1, 6, 23, 0, 0, 0, loc) }, []string{"anchors.bedtime"}},
		{"far previous wake", func(in *timeline.FeedInput) { in.Previous.Wake = time.Date(2025, 1, 15, 7, 0, 0, 0, loc) }, []string{"previous.wake"}},
		{"bad default clocks", func(in *timeline.FeedInput) {
			in.Anchors.DefaultWake = civil.Clock{Hour: 25}
			in.Previous.DefaultBedtime = civil.Clock{Minute: -1}
		}, []string{"anchors.default_wake", "previous.default_bedtime"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := good
			tt.mod(&in)
			_, err := timeline.BuildFeed(in)
			if !errors.Is(err, timeline.ErrInvalid) {
				t.Fatalf("BuildFeed: %v, want ErrInvalid", err)
			}
			var fields []string
			for _, fe := range timeline.FieldErrors(err) {
				fields = append(fields, fe.Field)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventWindow(t *testing.T) {
	t.Parallel()
	from, to := timeline.EventWindow(d("2025-03-10"))
	if from != d("2025-02-22") || to != d("2025-03-10") {
		t.Errorf("EventWindow = %s, %s; want 2025-02-22, 2025-03-10", from, to)
	}
	// The window holds the farthest event a feed can use: a postponement
	// to the previous day from MaxPostponeDays before it.
	far := d("2025-03-09").AddDays(-timeline.MaxPostponeDays)
	if far.Before(from) {
		t.Errorf("an occurrence moved from %s to the previous day lies outside the window", far)
	}
}

// TestFeedGolden pins the JSON of an expanded feed: the body of
// GET /v1/me/timeline.
func TestFeedGolden(t *testing.T) {
	t.Parallel()
	xp := 15
	walk := item(1, "Walk", daily, wake, 30, 20)
	walk.XP = &xp
	pill := item(2, "Pill", daily, fixed("08:00"), 0, 0)
	pill.Kind = timeline.KindMedication
	lunch := item(3, "Lunch", daily, fixed("12:00"), 0, 30)
	lunch.Kind = timeline.KindRoutine
	journal := item(4, "Journal", daily, timeline.Anchor{Type: timeline.AnchorBedtime}, -60, 15)
	journal.Missed = timeline.MissedCarryOver
	fx := newFixture(walk, pill, lunch, journal)
	fx.in.Now = fx.at("12:15")
	fx.in.Events = []timeline.Event{
		{ItemID: walk.ID, Date: fx.date, Type: timeline.EventCompleted, At: fx.at("07:55")},
		{ItemID: pill.ID, Date: fx.date, Type: timeline.EventSkipped, Reason: "ran out", At: fx.at("08:05")},
	}
	f := mustFeed(t, fx.in)
	got, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "feed_expanded.golden.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestFeedGolden -update to create it)", err)
	}
	var gotV, wantV any
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &wantV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantV, gotV); diff != "" {
		t.Errorf("feed JSON (-want +got):\n%s", diff)
	}
}

func TestFeedWithRules(t *testing.T) {
	t.Parallel()
	lastWeekday := item(1, "Report", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"}, fixed("09:00"), 0, 60)
	lastWeekday.Missed = timeline.MissedCarryOver
	everyOther := item(2, "Swim", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-03-30"), RRule: "FREQ=DAILY;INTERVAL=2"}, fixed("18:00"), 0, 45)
	loc := mustLoad("Europe/London")
	in := timeline.FeedInput{
		Date: d("2025-04-01"), Location: loc, Now: time.Date(2025, 4, 1, 8, 0, 0, 0, loc), View: timeline.ViewDefault,
		Items:   []timeline.Item{everyOther, lastWeekday},
		Anchors: timeline.Anchors{DefaultWake: clock("07:00"), DefaultBedtime: clock("23:00")},
	}
	want := []line{
		{"Report", "2025-03-31T09:00:00+01:00", timeline.StatusOverdue, "2025-03-31", "carried"},
		{"Swim", "2025-04-01T18:00:00+01:00", timeline.StatusPending, "2025-04-01", ""},
	}
	if diff := cmp.Diff(want, lines(mustFeed(t, in))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	in.Items = append(in.Items, item(3, "Bad", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=HOURLY"}, fixed("09:00"), 0, 0))
	_, err := timeline.BuildFeed(in)
	if fe := timeline.FieldErrors(err); len(fe) != 1 || fe[0].Field != "items[2].schedule.rrule" {
		t.Errorf("BuildFeed with a bad rule: %v", err)
	}
}

func TestAnchorValidate(t *testing.T) {
	t.Parallel()
	if err := fixed("07:00").Validate(); err != nil {
		t.Errorf("fixed 07:00: %v", err)
	}
	err := timeline.Anchor{Type: timeline.AnchorBedtime, Time: clock("22:00")}.Validate()
	if fe := timeline.FieldErrors(err); len(fe) != 1 || fe[0].Field != "anchor.time" {
		t.Errorf("bedtime with a time: %v", err)
	}
}
