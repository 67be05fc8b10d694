package timeline_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// FuzzParseRule: no input panics; an accepted rule keeps its text, and as a
// schedule that validates it is due on the date NextDue gives.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		"FREQ=DAILY;COUNT=10", "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=-1FR",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "RRULE:FREQ=YEARLY;UNTIL=20300101T000000Z",
		"FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0,30", "FREQ=;", ";;", "FREQ=DAILY;COUNT=-1",
		"FREQ=YEARLY;BYYEARDAY=-366", "FREQ=MONTHLY;BYDAY=+5SU", "freq=daily;until=20991231",
	} {
		f.Add(s)
	}
	ny := mustLoad("America/New_York")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := timeline.ParseRule(s)
		if err != nil {
			var ve *timeline.ValidationError
			if !errors.As(err, &ve) || ve.Field != "rrule" {
				t.Fatalf("error %v is not a ValidationError for rrule", err)
			}
			return
		}
		if r.String() != s {
			t.Fatalf("String() = %q", r.String())
		}
		from := time.Date(2025, 3, 1, 0, 0, 0, 0, ny)
		got := r.Between(d("2025-03-01"), clock("02:30"), ny, from, from.AddDate(0, 2, 0))
		for i := 1; i < len(got); i++ {
			if !got[i-1].Before(got[i]) {
				t.Fatalf("instants not strictly increasing: %v", got)
			}
		}
		sched := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-03-01"), RRule: s}
		if sched.Validate() != nil {
			return
		}
		next, ok := sched.NextDue(d("2025-03-01"))
		if !ok || !sched.DueOn(next) || next.Before(d("2025-03-01")) {
			t.Fatalf("NextDue = %s, %v; DueOn(it) = %v", next, ok, sched.DueOn(next))
		}
	})
}

// FuzzScheduleJSON: decoding any bytes never panics; a decoded schedule that
// validates survives a round trip and answers DueOn and NextDue consistently.
func FuzzScheduleJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"daily"}`, `{"type":"weekdays","start_date":"2025-01-01"}`, `{"type":"weekly","days":["mon","thu"]}`,
		`{"type":"weekly","days":["sun"],"interval":2,"start_date":"2025-01-06","week_start":"sun"}`,
		`{"type":"once","date":"2025-07-04"}`, `{"type":"every_n_days","interval":3,"start_date":"2025-01-01"}`,
		`{"type":"monthly","day_of_month":-1}`, `{"type":"monthly","week":-1,"weekday":"fri","interval":3,"start_date":"2024-11-30"}`,
		`{"type":"yearly","month":2,"day_of_month":29}`, `{"type":"rrule","start_date":"2025-01-01","rrule":"FREQ=MONTHLY;BYDAY=-1FR"}`,
		`{"type":"weekly","days":[]}`, `{"type":"monthly","day_of_month":32}`, `{}`, `null`, `[`, `{"type":"daily","x":1}`,
		`{"type":"weekdays","except_dates":["2025-12-26","2025-12-25"],"extra_dates":["2025-11-29"]}`,
		`{"type":"rrule","start_date":"2025-01-06","rrule":"FREQ=WEEKLY;COUNT=3","except_dates":["2025-01-13"],"extra_dates":[]}`,
		`{"type":"once","date":"2025-07-04","extra_dates":["2025-07-04"]}`, `{"type":"daily","except_dates":["x"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s timeline.Schedule
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		if s.Validate() != nil {
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("Marshal of a valid schedule: %v", err)
		}
		var back timeline.Schedule
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", out, err)
		}
		if len(s.Days) == 0 {
			back.Days = s.Days
		}
		if diff := cmp.Diff(s, back); diff != "" {
			t.Fatalf("round trip of %s (-want +got):\n%s", out, diff)
		}
		// And the wire form is stable: the schedule decoded from it writes
		// the same bytes.
		again, err := json.Marshal(back)
		if err != nil || string(again) != string(out) {
			t.Fatalf("Marshal after a round trip = %s, %v; want %s", again, err, out)
		}
		for _, q := range []civil.Date{d("2024-02-28"), d("2025-12-31"), d("2030-06-15")} {
			next, ok := s.NextDue(q)
			if ok && (!s.DueOn(next) || next.Before(q)) {
				t.Fatalf("NextDue(%s) = %s but DueOn is false", q, next)
			}
			if ok && next.Sub(q) < 40 {
				for x := q; x.Before(next); x = x.AddDays(1) {
					if s.DueOn(x) {
						t.Fatalf("NextDue(%s) = %s skips %s", q, next, x)
					}
				}
			}
		}
	})
}

// FuzzItemJSON: no input panics, every decoding error names a field, and
// a valid item survives a round trip exactly, writing the same bytes again.
func FuzzItemJSON(f *testing.F) {
	f.Add([]byte(`{"title":"Stretch","kind":"routine","schedule":{"type":"weekly","days":["mon","thu"]},"anchor":{"type":"bedtime"},"offset_minutes":-45,"duration_minutes":10}`))
	f.Add([]byte(`{"id":"x","title":1,"anchor":{"type":"fixed","time":"7:00"},"active_from":"2025"}`))
	f.Add([]byte(`{"title":"Water","kind":"habit","schedule":{"type":"daily","except_dates":["2025-12-25"],"extra_dates":["2025-12-24"]},"anchor":{"type":"fixed","times":["09:00","12:00","15:00"]},"offset_minutes":0,"duration_minutes":5,"missed":"carry_over"}`))
	f.Add([]byte(`{"title":"Stretch","kind":"routine","schedule":{"type":"rrule","start_date":"2025-01-01","rrule":"FREQ=DAILY;BYHOUR=9,14;UNTIL=20250131T160000Z"},"anchor":{"type":"fixed","time":"09:00"},"offset_minutes":5,"duration_minutes":10,"xp":12,"active_until":"2025-06-30"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var it timeline.Item
		err := it.UnmarshalJSON(b)
		if err != nil {
			if len(timeline.FieldErrors(err)) == 0 {
				t.Fatalf("error %v carries no field", err)
			}
			return
		}
		if it.Validate() != nil {
			return
		}
		out, err := json.Marshal(it)
		if err != nil {
			t.Fatalf("Marshal of a valid item: %v", err)
		}
		var back timeline.Item
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", out, err)
		}
		if diff := cmp.Diff(it, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %s (-want +got):\n%s", out, diff)
		}
		if again, err := json.Marshal(back); err != nil || string(again) != string(out) {
			t.Fatalf("Marshal after a round trip = %s, %v; want %s", again, err, out)
		}
	})
}

// FuzzResolve: for any date, minute and zone, the instant shows the wall
// clock asked for, or a later one when the wall clock is in a gap.
func FuzzResolve(f *testing.F) {
	zones := []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "America/Havana", "America/Santiago", "Pacific/Apia", "Asia/Kolkata"}
	locs := make([]*time.Location, len(zones))
	for i, z := range zones {
		locs[i] = mustLoad(z)
	}
	f.Add(20156, 150, uint8(0))
	f.Add(15338, 540, uint8(6))
	f.Fuzz(func(t *testing.T, days, minute int, zone uint8) {
		date := civil.FromDays(days%1_000_000 - 200_000)
		if !date.IsValid() {
			return
		}
		c := civil.ClockFromMinutes(minute)
		loc := locs[int(zone)%len(locs)]
		r := timeline.ResolveDetail(date, c, loc)
		wall := time.Date(date.Year, date.Month, date.Day, c.Hour, c.Minute, 0, 0, time.UTC)
		shown := wallOf(r.Time)
		switch r.Kind {
		case timeline.WallGap:
			if !shown.After(wall) {
				t.Fatalf("%s %s in %s: gap result %v does not move forward", date, c, loc, r.Time)
			}
		default:
			if !shown.Equal(wall) {
				t.Fatalf("%s %s in %s: got %v", date, c, loc, r.Time)
			}
			if r.Kind == timeline.WallAmbiguous && !r.Later.After(r.Time) {
				t.Fatalf("ambiguous: later %v is not after %v", r.Later, r.Time)
			}
		}
	})
}
