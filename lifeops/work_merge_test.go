package lifeops_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
)

func TestMergeWorkDays(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	rec := func(src string, work, after int, meet, brk *int, at int) lifeops.WorkDay {
		return lifeops.WorkDay{Date: day(9), Source: src, WorkMinutes: work, AfterHoursMinutes: after,
			MeetingMinutes: meet, BreakMinutes: brk, UpdatedAt: t0.Add(time.Duration(at) * time.Hour)}
	}
	tests := []struct {
		name string
		in   []lifeops.WorkDay
		want lifeops.WorkDay
	}{
		{"an entry alone", []lifeops.WorkDay{rec("manual", 400, 20, nil, new(30), 0)},
			lifeops.WorkDay{WorkMinutes: 400, AfterHoursMinutes: 20, BreakMinutes: new(30), Source: "manual",
				Sources: lifeops.WorkSources{Work: "manual", AfterHours: "manual", Breaks: "manual"}}},
		{"an entry without a source is the person's", []lifeops.WorkDay{rec("", 400, 0, nil, nil, 0), rec("ical", 500, 50, new(90), nil, 1)},
			lifeops.WorkDay{WorkMinutes: 400, MeetingMinutes: new(90), Source: "manual",
				Sources: lifeops.WorkSources{Work: "manual", AfterHours: "manual", Meetings: "ical"}}},
		{"a measured value above the entered work is cut to it",
			[]lifeops.WorkDay{rec("ical", 500, 100, new(300), nil, 1), rec("manual", 200, 10, nil, nil, 0)},
			lifeops.WorkDay{WorkMinutes: 200, AfterHoursMinutes: 10, MeetingMinutes: new(200), Source: "manual",
				Sources: lifeops.WorkSources{Work: "manual", AfterHours: "manual", Meetings: "ical"}}},
		{"the entry's 0 is a value and wins", []lifeops.WorkDay{rec("manual", 300, 0, new(0), new(0), 0), rec("ical", 300, 0, new(120), nil, 1)},
			lifeops.WorkDay{WorkMinutes: 300, MeetingMinutes: new(0), BreakMinutes: new(0), Source: "manual",
				Sources: lifeops.WorkSources{Work: "manual", AfterHours: "manual", Meetings: "manual", Breaks: "manual"}}},
		{"the largest measure, a tie to the first name, in any order",
			[]lifeops.WorkDay{rec("zz", 480, 30, new(60), nil, 2), rec("aa", 480, 45, nil, new(20), 1), rec("mm", 120, 0, new(60), nil, 0)},
			lifeops.WorkDay{WorkMinutes: 480, AfterHoursMinutes: 45, MeetingMinutes: new(60), BreakMinutes: new(20), Source: "aa",
				Sources: lifeops.WorkSources{Work: "aa", AfterHours: "aa", Meetings: "mm", Breaks: "aa"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := lifeops.MergeWorkDays(tt.in)
			latest := tt.in[0].UpdatedAt
			for _, r := range tt.in {
				if r.UpdatedAt.After(latest) {
					latest = r.UpdatedAt
				}
			}
			tt.want.Date, tt.want.UpdatedAt = day(9), latest
			if diff := cmp.Diff([]lifeops.WorkDay{tt.want}, got); diff != "" {
				t.Errorf("MergeWorkDays (-want +got):\n%s", diff)
			}
		})
	}
	// Days come out one per date, in date order.
	got := lifeops.MergeWorkDays([]lifeops.WorkDay{{Date: day(3), Source: "b"}, {Date: day(1), Source: "a"}, {Date: day(3), Source: "a"}})
	if len(got) != 2 || got[0].Date != day(1) || got[1].Date != day(3) {
		t.Errorf("MergeWorkDays dates = %+v, want the 1st and the 3rd", got)
	}
	if lifeops.MergeWorkDays(nil) == nil || len(lifeops.MergeWorkDays(nil)) != 0 {
		t.Error("MergeWorkDays(nil) should be an empty slice")
	}
}
