package timeline_test

import (
	"errors"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func TestParseRuleErrors(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "RRULE:", "FREQ=HOURLY", "FREQ=MINUTELY;COUNT=3", "FREQ=SECONDLY", "FREQ=FORTNIGHTLY", "INTERVAL=2",
		"FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=1001", "FREQ=DAILY;INTERVAL=x", "FREQ=DAILY;COUNT=0",
		"FREQ=DAILY;COUNT=5001", "FREQ=DAILY;COUNT=2;UNTIL=20250101", "FREQ=DAILY;UNTIL=2025", "FREQ=DAILY;UNTIL=20250230",
		"FREQ=DAILY;UNTIL=20250101X000000", "FREQ=DAILY;UNTIL=20250101T250000", "FREQ=DAILY;UNTIL=2025010aT000000Z",
		"FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=1MO", "FREQ=MONTHLY;BYDAY=6MO", "FREQ=YEARLY;BYDAY=54MO", "FREQ=YEARLY;BYDAY=+xMO",
		"FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", "FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=MONTHLY;BYMONTHDAY=0", "FREQ=MONTHLY;BYMONTHDAY=-32",
		"FREQ=WEEKLY;BYMONTHDAY=3", "FREQ=MONTHLY;BYYEARDAY=3", "FREQ=MONTHLY;BYWEEKNO=3", "FREQ=YEARLY;BYMONTH=13",
		"FREQ=MONTHLY;BYSETPOS=1", "FREQ=MONTHLY;BYSETPOS=400;BYDAY=MO", "FREQ=DAILY;BYHOUR=24", "FREQ=DAILY;BYMINUTE=60",
		"FREQ=DAILY;WKST=1MO", "FREQ=DAILY;FREQ=DAILY", "FREQ=DAILY;X-NAME=1", "FREQ=DAILY;BYEASTER=0", "FREQ=DAILY;COUNT",
		"FREQ=DAILY;COUNT=", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31", "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;BYDAY=MO",
		"FREQ=DAILY;BYMONTH=a", "FREQ=DAILY;" + string(make([]byte, 1001)),
	} {
		_, err := timeline.ParseRule(s)
		var ve *timeline.ValidationError
		if !errors.As(err, &ve) || ve.Field != "rrule" || ve.Reason == "" {
			t.Errorf("ParseRule(%q) = %v, want a ValidationError for rrule", s, err)
		}
	}
}

func TestParseRuleAccepts(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"FREQ=DAILY", "rrule:freq=weekly;byday=mo,we", "FREQ=MONTHLY;BYDAY=+1FR", "FREQ=MONTHLY;BYMONTHDAY=+3,-1",
		"FREQ=YEARLY;UNTIL=20301231T235960", "FREQ=DAILY;UNTIL=20301231T120000Z", "FREQ=DAILY;BYSECOND=0;BYMINUTE=5;BYHOUR=7",
	} {
		r, err := timeline.ParseRule(s)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", s, err)
			continue
		}
		if r.String() != s {
			t.Errorf("String() = %q, want %q", r.String(), s)
		}
	}
}

// TestRuleBetweenInGap: a DAILY 02:30 rule in New York is 03:30 EDT on the
// spring-forward day (rrule-go alone gives 01:30 EST), and the day is not
// lost in Havana, where midnight is skipped.
func TestRuleBetweenInGap(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	r, err := timeline.ParseRule("FREQ=DAILY;COUNT=3")
	if err != nil {
		t.Fatal(err)
	}
	got := r.Between(d("2025-03-08"), clock("02:30"), ny, time.Date(2025, 3, 1, 0, 0, 0, 0, ny), time.Date(2025, 3, 31, 0, 0, 0, 0, ny))
	want := []string{"2025-03-08T02:30:00-05:00", "2025-03-09T03:30:00-04:00", "2025-03-10T02:30:00-04:00"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].Format(time.RFC3339) != want[i] {
			t.Errorf("[%d] = %s, want %s", i, got[i].Format(time.RFC3339), want[i])
		}
	}
	havana := mustLoad("America/Havana")
	got = r.Between(d("2025-03-08"), clock("09:00"), havana, time.Date(2025, 3, 1, 0, 0, 0, 0, havana), time.Date(2025, 3, 31, 0, 0, 0, 0, havana))
	var days []civil.Date
	for _, x := range got {
		days = append(days, civil.DateOf(x))
	}
	if len(days) != 3 || days[0] != d("2025-03-08") || days[1] != d("2025-03-09") || days[2] != d("2025-03-10") {
		t.Errorf("Havana days = %v, want 03-08, 03-09, 03-10", days)
	}
	// Two wall clocks in one gap that resolve to the same instant count once.
	r2, err := timeline.ParseRule("FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30;COUNT=2")
	if err != nil {
		t.Fatal(err)
	}
	got = r2.Between(d("2025-03-09"), clock("00:00"), ny, time.Date(2025, 3, 9, 0, 0, 0, 0, ny), time.Date(2025, 3, 9, 23, 0, 0, 0, ny))
	if len(got) != 1 || got[0].Format(time.RFC3339) != "2025-03-09T03:30:00-04:00" {
		t.Errorf("gap duplicates = %v, want one 03:30 EDT", got)
	}
	if r.Between(civil.Date{}, clock("00:00"), ny, time.Now(), time.Now()) != nil {
		t.Error("Between with no start date returned instances")
	}
	if got := r.Between(d("2025-01-01"), clock("09:00"), nil, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 23, 0, 0, 0, time.UTC)); len(got) != 1 || got[0].Hour() != 9 {
		t.Errorf("nil location = %v, want 09:00 UTC", got)
	}
}
