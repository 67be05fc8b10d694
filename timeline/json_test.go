package timeline_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestScheduleJSONRoundTrip checks the wire form of every kind against the
// shape the API documents and that decoding gives the schedule back.
func TestScheduleJSONRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    timeline.Schedule
		wire string
	}{
		{timeline.Schedule{Type: timeline.ScheduleDaily}, `{"type":"daily"}`},
		{timeline.Schedule{Type: timeline.ScheduleWeekdays, StartDate: d("2025-01-01")}, `{"type":"weekdays","start_date":"2025-01-01"}`},
		{timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Thursday}}, `{"type":"weekly","days":["mon","thu"]}`},
		{timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("2025-01-06"), WeekStart: timeline.WeekStartOn(time.Sunday), Days: []time.Weekday{time.Sunday}},
			`{"type":"weekly","days":["sun"],"interval":2,"start_date":"2025-01-06","week_start":"sun"}`},
		{timeline.Schedule{Type: timeline.ScheduleOnce, Date: d("2025-07-04")}, `{"type":"once","date":"2025-07-04"}`},
		{timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 3, StartDate: d("2025-01-01")}, `{"type":"every_n_days","interval":3,"start_date":"2025-01-01"}`},
		{timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -1}, `{"type":"monthly","day_of_month":-1}`},
		{timeline.Schedule{Type: timeline.ScheduleMonthly, Week: 2, Weekday: time.Sunday}, `{"type":"monthly","week":2,"weekday":"sun"}`},
		{timeline.Schedule{Type: timeline.ScheduleYearly, Month: time.November, Week: 4, Weekday: time.Thursday}, `{"type":"yearly","week":4,"weekday":"thu","month":11}`},
		{timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=MONTHLY;BYDAY=-1FR"}, `{"type":"rrule","start_date":"2025-01-01","rrule":"FREQ=MONTHLY;BYDAY=-1FR"}`},
	}
	for _, tt := range tests {
		t.Run(string(tt.s.Type), func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.wire {
				t.Errorf("Marshal = %s, want %s", b, tt.wire)
			}
			var back timeline.Schedule
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.s, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScheduleJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		fields []string
	}{
		{`{"type":"weekly","days":["mon","funday"]}`, []string{"schedule.days"}},
		{`{"type":"weekly","days":[1]}`, []string{"schedule.days"}},
		{`{"type":"once","date":"2025-02-30"}`, []string{"schedule.date"}},
		{`{"type":"every_n_days","interval":"3"}`, []string{"schedule.interval"}},
		{`{"type":"daily","dayz":[]}`, []string{"schedule.dayz"}},
		{`{"type":"weekly","week_start":"x","days":["mon"]}`, []string{"schedule.week_start"}},
		{`{"type":"monthly","week":1,"weekday":"x"}`, []string{"schedule.weekday"}},
		{`{"type":"daily","start_date":"tomorrow"}`, []string{"schedule.start_date"}},
		// Sunday is the zero time.Weekday, so only the wire form shows that
		// these were given; they are refused like any field a kind does not
		// use, as "mon" would be.
		{`{"type":"monthly","day_of_month":5,"weekday":"sun"}`, []string{"schedule.weekday"}},
		{`{"type":"daily","week_start":"sun"}`, []string{"schedule.week_start"}},
		{`[]`, []string{"schedule"}},
		{`{"type":"daily"} {}`, []string{"schedule"}},
		{`{"type":`, []string{"schedule"}},
	}
	for _, tt := range tests {
		var s timeline.Schedule
		err := s.UnmarshalJSON([]byte(tt.in))
		if !errors.Is(err, timeline.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tt.in, err)
			continue
		}
		var fields []string
		for _, fe := range timeline.FieldErrors(err) {
			fields = append(fields, fe.Field)
		}
		if diff := cmp.Diff(tt.fields, fields); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestItemJSON(t *testing.T) {
	t.Parallel()
	xp := 10
	it := timeline.Item{
		ID: id(7), Title: "Stretch", Kind: timeline.KindRoutine,
		Schedule:      timeline.Schedule{Type: timeline.ScheduleWeekdays},
		Anchor:        fixed("06:45"),
		OffsetMinutes: -15, DurationMinutes: 10, XP: &xp, Missed: timeline.MissedCarryOver,
		ActiveFrom: d("2025-01-01"), ActiveUntil: d("2025-12-31"),
	}
	b, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"00000000-0000-0000-0000-000000000007","title":"Stretch","kind":"routine","schedule":{"type":"weekdays"},"anchor":{"type":"fixed","time":"06:45"},"offset_minutes":-15,"duration_minutes":10,"xp":10,"missed":"carry_over","active_from":"2025-01-01","active_until":"2025-12-31"}`
	if string(b) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, want)
	}
	var back timeline.Item
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(it, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// A server may add fields of its own at the item's top level.
	if err := json.Unmarshal([]byte(`{"title":"x","created_at":"2025-01-01T00:00:00Z","anchor":{"type":"wake"}}`), &back); err != nil {
		t.Errorf("unknown top-level field: %v", err)
	}
}

func TestItemJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		fields []string
	}{
		{`{"id":"nope","title":"x"}`, []string{"id"}},
		{`{"title":5}`, []string{"title"}},
		{`{"title":"x","anchor":{"type":"fixed","time":"25:00"}}`, []string{"anchor.time"}},
		{`{"title":"x","anchor":{"type":"wake","at":"x"}}`, []string{"anchor.at"}},
		{`{"title":"x","active_from":"2025-13-01","active_until":"soon"}`, []string{"active_from", "active_until"}},
		{`{"title":"x","schedule":{"type":"weekly","days":["x"]},"anchor":{"type":"fixed","time":"7"}}`, []string{"schedule.days", "anchor.time"}},
		{`{"title":"x","offset_minutes":1.5}`, []string{"offset_minutes"}},
		{`nope`, []string{""}},
	}
	for _, tt := range tests {
		var it timeline.Item
		err := it.UnmarshalJSON([]byte(tt.in))
		var fields []string
		for _, fe := range timeline.FieldErrors(err) {
			fields = append(fields, fe.Field)
		}
		if diff := cmp.Diff(tt.fields, fields); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s\nerr: %v", tt.in, diff, err)
		}
	}
}

func TestItemValidate(t *testing.T) {
	t.Parallel()
	ok := item(1, "Walk", daily, wake, 30, 20)
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid item: %v", err)
	}
	tests := []struct {
		name   string
		mod    func(*timeline.Item)
		fields []string
	}{
		{"blank title", func(it *timeline.Item) { it.Title = "  " }, []string{"title"}},
		{"long title", func(it *timeline.Item) { it.Title = string(make([]rune, 201)) }, []string{"title"}},
		{"no kind", func(it *timeline.Item) { it.Kind = "" }, []string{"kind"}},
		{"bad kind", func(it *timeline.Item) { it.Kind = "chore" }, []string{"kind"}},
		{"offset beyond a day", func(it *timeline.Item) { it.OffsetMinutes = -1441 }, []string{"offset_minutes"}},
		{"negative duration", func(it *timeline.Item) { it.DurationMinutes = -1 }, []string{"duration_minutes"}},
		{"xp too big", func(it *timeline.Item) { x := timeline.MaxXP + 1; it.XP = &x }, []string{"xp"}},
		{"bad policy", func(it *timeline.Item) { it.Missed = "keep" }, []string{"missed"}},
		{"no anchor", func(it *timeline.Item) { it.Anchor = timeline.Anchor{} }, []string{"anchor.type"}},
		{"bad anchor", func(it *timeline.Item) { it.Anchor = timeline.Anchor{Type: "noon"} }, []string{"anchor.type"}},
		{"wake with a time", func(it *timeline.Item) { it.Anchor = timeline.Anchor{Type: timeline.AnchorWake, Time: clock("07:00")} }, []string{"anchor.time"}},
		{"fixed with a bad time", func(it *timeline.Item) {
			it.Anchor = timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 24}}
		}, []string{"anchor.time"}},
		{"until before from", func(it *timeline.Item) { it.ActiveFrom, it.ActiveUntil = d("2025-02-01"), d("2025-01-01") }, []string{"active_until"}},
		{"bad active dates", func(it *timeline.Item) {
			it.ActiveFrom, it.ActiveUntil = civil.D(2025, 2, 30), civil.D(2025, 13, 1)
		}, []string{"active_from", "active_until"}},
		// A bad title does not hide that the schedule is never due.
		{"never due and no title", func(it *timeline.Item) {
			it.Title = ""
			it.Schedule = timeline.Schedule{Type: timeline.ScheduleYearly, Month: time.February, DayOfMonth: 30}
		}, []string{"title", "schedule.day_of_month"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			it := ok
			tt.mod(&it)
			err := it.Validate()
			var fields []string
			for _, fe := range timeline.FieldErrors(err) {
				fields = append(fields, fe.Field)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if !errors.Is(err, timeline.ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", err)
			}
		})
	}
}

func TestItemActiveDates(t *testing.T) {
	t.Parallel()
	it := item(1, "x", timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday}}, wake, 0, 0)
	it.ActiveFrom, it.ActiveUntil = d("2025-03-05"), d("2025-03-20")
	if it.DueOn(d("2025-03-03"), time.UTC) || !it.DueOn(d("2025-03-10"), time.UTC) || it.DueOn(d("2025-03-24"), time.UTC) {
		t.Error("DueOn ignores the active dates")
	}
	if got, ok := it.NextDue(d("2025-03-01"), time.UTC); !ok || got != d("2025-03-10") {
		t.Errorf("NextDue = %s, %v; want 2025-03-10", got, ok)
	}
	if got, ok := it.NextDue(d("2025-03-18"), time.UTC); ok {
		t.Errorf("NextDue after the last Monday = %s", got)
	}
	if _, ok := it.Occurrence(d("2025-03-03"), timeline.Anchors{}, time.UTC); ok {
		t.Error("an occurrence before active_from")
	}
	apia := mustLoad("Pacific/Apia")
	daily := item(2, "x", timeline.Schedule{Type: timeline.ScheduleDaily}, wake, 0, 0)
	if _, ok := daily.Occurrence(d("2011-12-30"), timeline.Anchors{}, apia); ok {
		t.Error("an occurrence on the day Apia skipped")
	}
}

func TestEventValidate(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	base := timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventCompleted, At: at}
	if err := base.Validate(); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	tests := []struct {
		name   string
		e      timeline.Event
		fields []string
	}{
		{"empty", timeline.Event{}, []string{"item_id", "date", "at", "type"}},
		{"bad date", timeline.Event{ItemID: id(1), Date: civil.D(2025, 2, 30), Type: timeline.EventCompleted, At: at}, []string{"date"}},
		{"bad type", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: "done", At: at}, []string{"type"}},
		{"postpone nowhere", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at}, []string{"to"}},
		{"postpone backwards", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, ToDate: d("2025-03-09")}, []string{"to_date"}},
		{"postpone too far", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, ToDate: d("2025-03-25")}, []string{"to_date"}},
		{"postpone to a bad date", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, ToDate: civil.D(2025, 3, 32)}, []string{"to_date"}},
		{"reason on a completion", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventCompleted, At: at, Reason: "x"}, []string{"reason"}},
		{"long reason", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventSkipped, At: at, Reason: string(make([]rune, 501))}, []string{"reason"}},
		{"to on a skip", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventSkipped, At: at, To: at}, []string{"to"}},
		{"postpone to another century", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, To: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"to"}},
		{"postpone to before the date", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, To: time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC)}, []string{"to"}},
		{"postpone to a start far from to_date", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, ToDate: d("2025-03-12"), To: time.Date(2025, 3, 20, 9, 0, 0, 0, time.UTC)}, []string{"to"}},
		// Past midnight, in a zone far from UTC, is still the same feed day.
		{"postpone past midnight", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, To: time.Date(2025, 3, 11, 1, 30, 0, 0, mustLoad("Pacific/Kiritimati"))}, nil},
		{"postpone late on a far zone's day", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, To: time.Date(2025, 3, 11, 23, 0, 0, 0, mustLoad("Pacific/Pago_Pago"))}, nil},
		{"postpone to another day", timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventPostponed, At: at, ToDate: d("2025-03-24"), To: time.Date(2025, 3, 24, 21, 0, 0, 0, mustLoad("America/Los_Angeles"))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var fields []string
			for _, fe := range timeline.FieldErrors(tt.e.Validate()) {
				fields = append(fields, fe.Field)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseView(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]timeline.View{"": timeline.ViewDefault, "default": timeline.ViewDefault, "expanded": timeline.ViewExpanded} {
		if got, err := timeline.ParseView(in); err != nil || got != want {
			t.Errorf("ParseView(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := timeline.ParseView("all"); !errors.Is(err, timeline.ErrInvalid) {
		t.Errorf("ParseView(all) = %v", err)
	}
}

func TestValidationErrorText(t *testing.T) {
	t.Parallel()
	err := error(&timeline.ValidationError{Field: "schedule.days", Reason: "empty"})
	if err.Error() != "invalid schedule.days: empty" {
		t.Errorf("Error() = %q", err.Error())
	}
	if got := timeline.FieldErrors(errors.Join(errors.New("other"), fmtWrap(err))); len(got) != 1 || got[0].Field != "schedule.days" {
		t.Errorf("FieldErrors through wrapping = %v", got)
	}
	if timeline.FieldErrors(nil) != nil {
		t.Error("FieldErrors(nil) is not nil")
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func fmtWrap(err error) error { return wrapped{err} }
