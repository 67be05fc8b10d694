package workstats_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
)

func TestCalendarValidate(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		cal   workstats.Calendar
		field string
	}{
		{workstats.Calendar{Zone: "Europe/Berlin", DayStartHour: 24}, "day_start_hour"},
		{workstats.Calendar{Zone: ""}, "timezone"},
		{workstats.Calendar{Zone: "Local"}, "timezone"},
		{workstats.Calendar{Zone: "UTC", ZoneChanges: []lifeops.ZoneChange{{At: at, From: "Nowhere", To: "UTC"}}}, "zone_changes[0].from"},
		{workstats.Calendar{Zone: "UTC", ZoneChanges: []lifeops.ZoneChange{{At: at, From: "UTC", To: "Nowhere"}}}, "zone_changes[0].to"},
		{workstats.Calendar{Zone: "UTC", ZoneChanges: []lifeops.ZoneChange{{From: "UTC", To: "Asia/Tokyo"}}}, "zone_changes[0].at"},
	} {
		err := tc.cal.Validate()
		fe := lifeops.FieldErrors(err)
		if !errors.Is(err, lifeops.ErrInvalid) || len(fe) != 1 || fe[0].Field != tc.field {
			t.Errorf("%+v: %v, want one error for %s", tc.cal, err, tc.field)
		}
	}
}

func TestWorkingHoursJSONAndValidate(t *testing.T) {
	t.Parallel()
	var h workstats.WorkingHours
	if err := json.Unmarshal([]byte(`{"monday":[{"start":"09:00","end":"12:30"},{"start":"13:30","end":"18:00"}],"saturday":[{"start":"22:00","end":"06:00"}]}`), &h); err != nil {
		t.Fatal(err)
	}
	want := workstats.WorkingHours{
		Monday:   []workstats.Shift{{Start: civil.MustParseClock("09:00"), End: civil.MustParseClock("12:30")}, {Start: civil.MustParseClock("13:30"), End: civil.MustParseClock("18:00")}},
		Saturday: []workstats.Shift{{Start: civil.MustParseClock("22:00"), End: civil.MustParseClock("06:00")}},
	}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := h.Validate(); err != nil || h.IsZero() || !(workstats.WorkingHours{}).IsZero() || len(h.On(time.Monday)) != 2 {
		t.Errorf("Validate = %v", err)
	}
	if err := json.Unmarshal([]byte(`{"monday":[{"start":"25:00","end":"12:30"}]}`), &h); err == nil {
		t.Error("25:00 decoded")
	}
	many := workstats.WorkingHours{Tuesday: make([]workstats.Shift, workstats.MaxShifts+1)}
	for i := range many.Tuesday {
		many.Tuesday[i] = workstats.Shift{Start: civil.Clock{Hour: i}, End: civil.Clock{Hour: i + 1}}
	}
	many.Wednesday = []workstats.Shift{{Start: civil.Clock{Hour: 30}, End: civil.Clock{Hour: 1}}}
	fe := lifeops.FieldErrors(many.Validate())
	if len(fe) != 2 || fe[0].Field != "working_hours.tuesday" || fe[1].Field != "working_hours.wednesday[0]" {
		t.Errorf("errors %v", fe)
	}
}
