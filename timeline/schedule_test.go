package timeline_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func d(s string) civil.Date { return civil.MustParseDate(s) }

// dueDates lists the dates in [from, to] on which s is due.
func dueDates(s timeline.Schedule, from, to civil.Date) []string {
	var out []string
	for x := from; !x.After(to); x = x.AddDays(1) {
		if s.DueOn(x) {
			out = append(out, x.String())
		}
	}
	return out
}

func TestScheduleDueOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		s        timeline.Schedule
		from, to string
		want     []string
	}{
		{"daily", timeline.Schedule{Type: timeline.ScheduleDaily}, "2025-03-08", "2025-03-10",
			[]string{"2025-03-08", "2025-03-09", "2025-03-10"}},
		{"daily from a start date", timeline.Schedule{Type: timeline.ScheduleDaily, StartDate: d("2025-03-09")}, "2025-03-08", "2025-03-10",
			[]string{"2025-03-09", "2025-03-10"}},
		{"weekdays", timeline.Schedule{Type: timeline.ScheduleWeekdays}, "2025-11-28", "2025-12-02", // Fri..Tue
			[]string{"2025-11-28", "2025-12-01", "2025-12-02"}},
		{"weekly mon thu", timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Thursday}}, "2025-12-01", "2025-12-14",
			[]string{"2025-12-01", "2025-12-04", "2025-12-08", "2025-12-11"}},
		{"every 2 weeks tue sun, week starts monday", timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("1997-08-05"), Days: []time.Weekday{time.Tuesday, time.Sunday}}, "1997-08-01", "1997-08-31",
			[]string{"1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"}},
		{"every 2 weeks tue sun, week starts sunday", timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("1997-08-05"), WeekStart: timeline.WeekStartOn(time.Sunday), Days: []time.Weekday{time.Tuesday, time.Sunday}}, "1997-08-01", "1997-08-31",
			[]string{"1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"}},
		{"once", timeline.Schedule{Type: timeline.ScheduleOnce, Date: d("2025-02-28")}, "2025-02-27", "2025-03-01",
			[]string{"2025-02-28"}},
		{"every 3 days", timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 3, StartDate: d("2025-02-27")}, "2025-02-20", "2025-03-08",
			[]string{"2025-02-27", "2025-03-02", "2025-03-05", "2025-03-08"}},
		{"monthly on the 31st skips short months", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: 31}, "2025-01-01", "2025-06-30",
			[]string{"2025-01-31", "2025-03-31", "2025-05-31"}},
		{"monthly on the 30th skips february", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: 30}, "2024-01-01", "2024-03-31",
			[]string{"2024-01-30", "2024-03-30"}},
		{"monthly last day", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -1}, "2024-01-01", "2024-04-30",
			[]string{"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"}},
		{"monthly third to last day", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -3}, "2025-01-01", "2025-03-31",
			[]string{"2025-01-29", "2025-02-26", "2025-03-29"}},
		{"monthly first friday", timeline.Schedule{Type: timeline.ScheduleMonthly, Week: 1, Weekday: time.Friday}, "1997-09-01", "1997-12-31",
			[]string{"1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05"}},
		{"monthly second to last monday", timeline.Schedule{Type: timeline.ScheduleMonthly, Week: -2, Weekday: time.Monday}, "1997-09-01", "1998-02-28",
			[]string{"1997-09-22", "1997-10-20", "1997-11-17", "1997-12-22", "1998-01-19", "1998-02-16"}},
		{"monthly fifth sunday", timeline.Schedule{Type: timeline.ScheduleMonthly, Week: 5, Weekday: time.Sunday}, "2025-01-01", "2025-06-30",
			[]string{"2025-03-30", "2025-06-29"}},
		{"every 18 months on the 10th", timeline.Schedule{Type: timeline.ScheduleMonthly, Interval: 18, StartDate: d("1997-09-10"), DayOfMonth: 10}, "1997-01-01", "2000-12-31",
			[]string{"1997-09-10", "1999-03-10", "2000-09-10"}},
		{"yearly feb 29", timeline.Schedule{Type: timeline.ScheduleYearly, Month: time.February, DayOfMonth: 29}, "2023-01-01", "2028-12-31",
			[]string{"2024-02-29", "2028-02-29"}},
		{"yearly fourth thursday of november", timeline.Schedule{Type: timeline.ScheduleYearly, Month: time.November, Week: 4, Weekday: time.Thursday}, "2024-01-01", "2025-12-31",
			[]string{"2024-11-28", "2025-11-27"}},
		{"every 4 years", timeline.Schedule{Type: timeline.ScheduleYearly, Interval: 4, StartDate: d("1996-11-05"), Month: time.November, DayOfMonth: 5}, "1996-01-01", "2005-12-31",
			[]string{"1996-11-05", "2000-11-05", "2004-11-05"}},
		{"rrule last friday", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=MONTHLY;BYDAY=-1FR"}, "2025-01-01", "2025-03-31",
			[]string{"2025-01-31", "2025-02-28", "2025-03-28"}},
		{"rrule with count", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-06"), RRule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3"}, "2025-01-01", "2025-01-31",
			[]string{"2025-01-06", "2025-01-08", "2025-01-13"}},
		{"rrule until a date", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-30"), RRule: "FREQ=DAILY;UNTIL=20250201"}, "2025-01-01", "2025-02-28",
			[]string{"2025-01-30", "2025-01-31", "2025-02-01"}},
		{"rrule through the Apia skipped day", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2011-12-28"), RRule: "FREQ=DAILY;COUNT=4"}, "2011-12-27", "2012-01-02",
			[]string{"2011-12-28", "2011-12-29", "2011-12-30", "2011-12-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.s.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got := dueDates(tt.s, d(tt.from), d(tt.to))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("due dates (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNextDueAgreesWithDueOn checks, for many schedules and every start
// date over several years, that NextDue returns the first date DueOn accepts.
func TestNextDueAgreesWithDueOn(t *testing.T) {
	t.Parallel()
	start := d("2023-12-20")
	schedules := []timeline.Schedule{
		{Type: timeline.ScheduleDaily, StartDate: d("2024-01-03")},
		{Type: timeline.ScheduleWeekdays},
		{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Saturday}},
		{Type: timeline.ScheduleWeekly, Interval: 3, StartDate: d("2024-02-14"), WeekStart: timeline.WeekStartOn(time.Sunday), Days: []time.Weekday{time.Sunday, time.Wednesday}},
		{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("2024-02-14"), Days: []time.Weekday{time.Monday}},
		{Type: timeline.ScheduleOnce, Date: d("2024-07-04")},
		{Type: timeline.ScheduleEveryNDays, Interval: 17, StartDate: d("2024-01-09")},
		{Type: timeline.ScheduleMonthly, DayOfMonth: 31},
		{Type: timeline.ScheduleMonthly, DayOfMonth: -2, Interval: 5, StartDate: d("2024-03-01")},
		{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Sunday},
		{Type: timeline.ScheduleMonthly, Week: 5, Weekday: time.Friday, Interval: 2, StartDate: d("2024-01-01")},
		{Type: timeline.ScheduleYearly, Month: time.February, DayOfMonth: 29},
		{Type: timeline.ScheduleYearly, Month: time.May, Week: -1, Weekday: time.Monday, Interval: 2, StartDate: d("2025-01-01")},
		{Type: timeline.ScheduleRRule, StartDate: d("2024-01-10"), RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"},
		{Type: timeline.ScheduleRRule, StartDate: d("2024-01-10"), RRule: "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA;WKST=SU"},
		{Type: timeline.ScheduleRRule, StartDate: d("2024-01-10"), RRule: "FREQ=DAILY;INTERVAL=11;UNTIL=20260101"},
		{Type: timeline.ScheduleRRule, StartDate: d("2024-02-29"), RRule: "FREQ=YEARLY"},
	}
	for i, s := range schedules {
		t.Run(fmt.Sprintf("%d-%s", i, s.Type), func(t *testing.T) {
			t.Parallel()
			if err := s.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			// Scan backwards so each answer is known from the day after.
			const days = 3 * 366
			horizon := start.AddDays(days + 5*366)
			var next civil.Date
			have := false
			for x := horizon; !x.Before(start); x = x.AddDays(-1) {
				if s.DueOn(x) {
					next, have = x, true
				}
				if x.After(start.AddDays(days)) {
					continue
				}
				got, ok := s.NextDue(x)
				if ok != have || (have && got != next) {
					t.Fatalf("NextDue(%s) = %s, %v; want %s, %v", x, got, ok, next, have)
				}
			}
		})
	}
}

func TestScheduleValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		s      timeline.Schedule
		fields []string
	}{
		{"no type", timeline.Schedule{}, []string{"schedule.type"}},
		{"unknown type", timeline.Schedule{Type: "hourly"}, []string{"schedule.type"}},
		{"weekly with no days", timeline.Schedule{Type: timeline.ScheduleWeekly}, []string{"schedule.days"}},
		{"weekly with a day twice", timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Monday}}, []string{"schedule.days"}},
		{"weekly with a bad day", timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{9}}, []string{"schedule.days"}},
		{"every n weeks without start", timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, Days: []time.Weekday{time.Monday}}, []string{"schedule.start_date"}},
		{"interval 0", timeline.Schedule{Type: timeline.ScheduleEveryNDays, StartDate: d("2025-01-01")}, []string{"schedule.interval"}},
		{"interval negative", timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: -2, StartDate: d("2025-01-01")}, []string{"schedule.interval"}},
		{"interval too big", timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: timeline.MaxInterval + 1, StartDate: d("2025-01-01")}, []string{"schedule.interval"}},
		{"every n days without start", timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 2}, []string{"schedule.start_date"}},
		{"once without date", timeline.Schedule{Type: timeline.ScheduleOnce}, []string{"schedule.date"}},
		{"once on a bad date", timeline.Schedule{Type: timeline.ScheduleOnce, Date: civil.D(2025, 2, 30)}, []string{"schedule.date"}},
		{"day of month 32", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: 32}, []string{"schedule.day_of_month"}},
		{"day of month -32", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -32}, []string{"schedule.day_of_month"}},
		{"monthly with nothing", timeline.Schedule{Type: timeline.ScheduleMonthly}, []string{"schedule.day_of_month"}},
		{"monthly with both", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: 3, Week: 1, Weekday: time.Monday}, []string{"schedule.week"}},
		{"week 6", timeline.Schedule{Type: timeline.ScheduleMonthly, Week: 6, Weekday: time.Monday}, []string{"schedule.week"}},
		{"bad weekday", timeline.Schedule{Type: timeline.ScheduleMonthly, Week: 1, Weekday: 8}, []string{"schedule.weekday"}},
		{"never due: feb 30 yearly", timeline.Schedule{Type: timeline.ScheduleYearly, Month: time.February, DayOfMonth: 30}, []string{"schedule.day_of_month"}},
		{"never due: every 12 months on the 31st from april", timeline.Schedule{Type: timeline.ScheduleMonthly, Interval: 12, StartDate: d("2025-04-01"), DayOfMonth: 31}, []string{"schedule.day_of_month"}},
		{"yearly without month", timeline.Schedule{Type: timeline.ScheduleYearly, DayOfMonth: 1}, []string{"schedule.month"}},
		{"field of another kind", timeline.Schedule{Type: timeline.ScheduleDaily, Days: []time.Weekday{time.Monday}, Month: time.May}, []string{"schedule.days", "schedule.month"}},
		{"rrule without start", timeline.Schedule{Type: timeline.ScheduleRRule, RRule: "FREQ=DAILY"}, []string{"schedule.start_date"}},
		{"rrule empty", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01")}, []string{"schedule.rrule"}},
		{"rrule hourly", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=HOURLY"}, []string{"schedule.rrule"}},
		{"rrule with seconds", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=DAILY;BYHOUR=9;BYSECOND=30"}, []string{"schedule.rrule"}},
		{"rrule more than 48 times a day", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14,15,16,17;BYMINUTE=0,10,20,30,40"}, []string{"schedule.rrule"}},
		{"rrule that never happens", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6"}, []string{"schedule.rrule"}},
		{"rrule whose until is before the start", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=DAILY;UNTIL=20241231"}, []string{"schedule.rrule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.s.Validate()
			if !errors.Is(err, timeline.ErrInvalid) {
				t.Fatalf("Validate() = %v, want an error matching ErrInvalid", err)
			}
			var fields []string
			for _, fe := range timeline.FieldErrors(err) {
				fields = append(fields, fe.Field)
				if fe.Reason == "" {
					t.Errorf("%s has no message", fe.Field)
				}
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerror: %v", diff, err)
			}
			if tt.s.DueOn(d("2025-03-01")) && tt.s.Type != timeline.ScheduleDaily {
				t.Errorf("an invalid schedule is due")
			}
		})
	}
}

func TestInvalidScheduleIsNeverDue(t *testing.T) {
	t.Parallel()
	for _, s := range []timeline.Schedule{
		{Type: timeline.ScheduleEveryNDays},
		{Type: timeline.ScheduleRRule, RRule: "FREQ=DAILY"},
		{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "nonsense"},
		{Type: timeline.ScheduleWeekly},
		{Type: "bogus"},
		{Type: timeline.ScheduleYearly},
	} {
		if s.DueOn(d("2025-01-01")) {
			t.Errorf("%+v is due", s)
		}
		if got, ok := s.NextDue(d("2025-01-01")); ok {
			t.Errorf("%+v: NextDue = %s", s, got)
		}
	}
	if (timeline.Schedule{Type: timeline.ScheduleDaily}).DueOn(civil.D(2025, 2, 30)) {
		t.Error("due on a date that does not exist")
	}
}

// TestWeekStartZeroIsMonday: a Go literal without a WeekStart means what
// the same schedule decoded from JSON without "week_start" means, Monday as
// in iCalendar, so both are due on the RFC 5545 WKST=MO dates.
func TestWeekStartZeroIsMonday(t *testing.T) {
	t.Parallel()
	literal := timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("1997-08-05"), Days: []time.Weekday{time.Tuesday, time.Sunday}}
	var decoded timeline.Schedule
	if err := json.Unmarshal([]byte(`{"type":"weekly","interval":2,"start_date":"1997-08-05","days":["tue","sun"]}`), &decoded); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(literal, decoded); diff != "" {
		t.Errorf("literal and decoded schedules differ (-literal +decoded):\n%s", diff)
	}
	want := []string{"1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"}
	for name, s := range map[string]timeline.Schedule{"literal": literal, "decoded": decoded} {
		if diff := cmp.Diff(want, dueDates(s, d("1997-08-01"), d("1997-08-31"))); diff != "" {
			t.Errorf("%s: due dates (-want +got):\n%s", name, diff)
		}
	}
	if got := (timeline.WeekStart{}).Weekday(); got != time.Monday {
		t.Errorf("zero WeekStart is %s, want Monday", got)
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if got := timeline.WeekStartOn(wd).Weekday(); got != wd {
			t.Errorf("WeekStartOn(%s).Weekday() = %s", wd, got)
		}
	}
	bad := timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("1997-08-05"), Days: []time.Weekday{time.Tuesday}, WeekStart: timeline.WeekStartOn(9)}
	var ve *timeline.ValidationError
	if err := bad.Validate(); !errors.As(err, &ve) || ve.Field != "schedule.week_start" {
		t.Errorf("Validate of week start 9 = %v, want an error for schedule.week_start", err)
	}
}
