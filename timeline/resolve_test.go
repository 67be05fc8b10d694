package timeline_test

import (
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestResolveTransitions pins the resolver on the transition days of the
// zones the timeline must get right. The expected instants were computed
// independently with Python's zoneinfo, whose fold=0 reading is the RFC 5545
// section 3.3.5 answer. All dates are in the past (2011–2025), so a newer
// tz database cannot change them.
func TestResolveTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zone, date, clock string
		want              string // UTC
		kind              timeline.WallKind
		later             string // UTC, ambiguous only
	}{
		{"America/New_York", "2025-03-09", "02:30", "2025-03-09T07:30:00Z", timeline.WallGap, ""},
		{"America/New_York", "2025-03-09", "02:00", "2025-03-09T07:00:00Z", timeline.WallGap, ""},
		{"America/New_York", "2025-03-09", "03:00", "2025-03-09T07:00:00Z", timeline.WallNormal, ""},
		{"America/New_York", "2025-03-09", "01:59", "2025-03-09T06:59:00Z", timeline.WallNormal, ""},
		{"America/New_York", "2025-11-02", "01:30", "2025-11-02T05:30:00Z", timeline.WallAmbiguous, "2025-11-02T06:30:00Z"},
		{"America/New_York", "2025-11-02", "00:59", "2025-11-02T04:59:00Z", timeline.WallNormal, ""},
		{"America/New_York", "2025-11-02", "02:00", "2025-11-02T07:00:00Z", timeline.WallNormal, ""},
		{"America/New_York", "2025-11-02", "01:00", "2025-11-02T05:00:00Z", timeline.WallAmbiguous, "2025-11-02T06:00:00Z"},
		{"Europe/London", "2025-03-30", "01:30", "2025-03-30T01:30:00Z", timeline.WallGap, ""},
		{"Europe/London", "2025-03-30", "00:59", "2025-03-30T00:59:00Z", timeline.WallNormal, ""},
		{"Europe/London", "2025-03-30", "02:00", "2025-03-30T01:00:00Z", timeline.WallNormal, ""},
		{"Europe/London", "2025-10-26", "01:30", "2025-10-26T00:30:00Z", timeline.WallAmbiguous, "2025-10-26T01:30:00Z"},
		{"Europe/London", "2025-10-26", "02:00", "2025-10-26T02:00:00Z", timeline.WallNormal, ""},
		{"Europe/London", "2025-10-26", "00:30", "2025-10-25T23:30:00Z", timeline.WallNormal, ""},
		{"Australia/Lord_Howe", "2025-10-05", "02:15", "2025-10-04T15:45:00Z", timeline.WallGap, ""},
		{"Australia/Lord_Howe", "2025-10-05", "02:00", "2025-10-04T15:30:00Z", timeline.WallGap, ""},
		{"Australia/Lord_Howe", "2025-10-05", "02:30", "2025-10-04T15:30:00Z", timeline.WallNormal, ""},
		{"Australia/Lord_Howe", "2025-04-06", "01:45", "2025-04-05T14:45:00Z", timeline.WallAmbiguous, "2025-04-05T15:15:00Z"},
		{"Australia/Lord_Howe", "2025-04-06", "01:30", "2025-04-05T14:30:00Z", timeline.WallAmbiguous, "2025-04-05T15:00:00Z"},
		{"Australia/Lord_Howe", "2025-04-06", "02:00", "2025-04-05T15:30:00Z", timeline.WallNormal, ""},
		{"Pacific/Chatham", "2025-09-28", "02:45", "2025-09-27T14:00:00Z", timeline.WallGap, ""},
		{"Pacific/Chatham", "2025-09-28", "03:30", "2025-09-27T14:45:00Z", timeline.WallGap, ""},
		{"Pacific/Chatham", "2025-09-28", "03:45", "2025-09-27T14:00:00Z", timeline.WallNormal, ""},
		{"Pacific/Chatham", "2025-04-06", "03:00", "2025-04-05T13:15:00Z", timeline.WallAmbiguous, "2025-04-05T14:15:00Z"},
		{"Pacific/Chatham", "2025-04-06", "02:45", "2025-04-05T13:00:00Z", timeline.WallAmbiguous, "2025-04-05T14:00:00Z"},
		{"Pacific/Chatham", "2025-04-06", "03:45", "2025-04-05T15:00:00Z", timeline.WallNormal, ""},
		{"Pacific/Chatham", "2025-04-06", "12:00", "2025-04-05T23:15:00Z", timeline.WallNormal, ""},
		{"America/Havana", "2025-03-09", "00:00", "2025-03-09T05:00:00Z", timeline.WallGap, ""},
		{"America/Havana", "2025-03-09", "00:30", "2025-03-09T05:30:00Z", timeline.WallGap, ""},
		{"America/Havana", "2025-03-09", "01:00", "2025-03-09T05:00:00Z", timeline.WallNormal, ""},
		{"America/Havana", "2025-11-02", "00:30", "2025-11-02T04:30:00Z", timeline.WallAmbiguous, "2025-11-02T05:30:00Z"},
		{"America/Havana", "2025-11-01", "23:59", "2025-11-02T03:59:00Z", timeline.WallNormal, ""},
		{"America/Havana", "2025-11-02", "01:00", "2025-11-02T06:00:00Z", timeline.WallNormal, ""},
		{"America/Santiago", "2025-09-07", "00:00", "2025-09-07T04:00:00Z", timeline.WallGap, ""},
		{"America/Santiago", "2025-09-07", "00:30", "2025-09-07T04:30:00Z", timeline.WallGap, ""},
		{"America/Santiago", "2025-09-06", "23:59", "2025-09-07T03:59:00Z", timeline.WallNormal, ""},
		{"America/Santiago", "2025-04-05", "23:30", "2025-04-06T02:30:00Z", timeline.WallAmbiguous, "2025-04-06T03:30:00Z"},
		{"America/Santiago", "2025-04-05", "23:00", "2025-04-06T02:00:00Z", timeline.WallAmbiguous, "2025-04-06T03:00:00Z"},
		{"America/Santiago", "2025-04-06", "00:00", "2025-04-06T04:00:00Z", timeline.WallNormal, ""},
		{"Pacific/Apia", "2011-12-30", "00:00", "2011-12-30T10:00:00Z", timeline.WallGap, ""},
		{"Pacific/Apia", "2011-12-30", "09:00", "2011-12-30T19:00:00Z", timeline.WallGap, ""},
		{"Pacific/Apia", "2011-12-30", "23:59", "2011-12-31T09:59:00Z", timeline.WallGap, ""},
		{"Pacific/Apia", "2011-12-29", "23:59", "2011-12-30T09:59:00Z", timeline.WallNormal, ""},
		{"Pacific/Apia", "2011-12-31", "00:00", "2011-12-30T10:00:00Z", timeline.WallNormal, ""},
		{"Asia/Kolkata", "2025-03-09", "02:30", "2025-03-08T21:00:00Z", timeline.WallNormal, ""},
		{"Asia/Kolkata", "2025-11-02", "01:30", "2025-11-01T20:00:00Z", timeline.WallNormal, ""},
		{"Asia/Kolkata", "2025-06-01", "00:00", "2025-05-31T18:30:00Z", timeline.WallNormal, ""},
		{"America/New_York", "2011-03-13", "02:30", "2011-03-13T07:30:00Z", timeline.WallGap, ""},
		{"Europe/London", "2011-10-30", "01:30", "2011-10-30T00:30:00Z", timeline.WallAmbiguous, "2011-10-30T01:30:00Z"},
		{"America/Sao_Paulo", "2018-11-04", "00:00", "2018-11-04T03:00:00Z", timeline.WallGap, ""},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.date+"T"+tt.clock, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(tt.zone)
			r := timeline.ResolveDetail(civil.MustParseDate(tt.date), civil.MustParseClock(tt.clock), loc)
			if got := r.Time.UTC().Format(time.RFC3339); got != tt.want {
				t.Errorf("Time = %s, want %s", got, tt.want)
			}
			if r.Time.Location() != loc {
				t.Errorf("Time is in %v, want %v", r.Time.Location(), loc)
			}
			if r.Kind != tt.kind {
				t.Errorf("Kind = %v, want %v", r.Kind, tt.kind)
			}
			later := ""
			if !r.Later.IsZero() {
				later = r.Later.UTC().Format(time.RFC3339)
			}
			if later != tt.later {
				t.Errorf("Later = %q, want %q", later, tt.later)
			}
			if got := timeline.Resolve(civil.MustParseDate(tt.date), civil.MustParseClock(tt.clock), loc); !got.Equal(r.Time) {
				t.Errorf("Resolve = %v, ResolveDetail = %v", got, r.Time)
			}
		})
	}
}

// TestResolveEveryQuarterHour walks every quarter hour of the transition
// days and checks the RFC rule from first principles: a wall clock that
// exists resolves to the earliest instant showing it, and one in a gap
// resolves to an instant showing a later wall clock, moved by exactly the
// gap's length.
func TestResolveEveryQuarterHour(t *testing.T) {
	t.Parallel()
	days := []struct{ zone, date string }{
		{"America/New_York", "2025-03-09"}, {"America/New_York", "2025-11-02"},
		{"Europe/London", "2025-03-30"}, {"Europe/London", "2025-10-26"},
		{"Australia/Lord_Howe", "2025-10-05"}, {"Australia/Lord_Howe", "2025-04-06"},
		{"Pacific/Chatham", "2025-09-28"}, {"Pacific/Chatham", "2025-04-06"},
		{"America/Havana", "2025-03-09"}, {"America/Havana", "2025-11-02"},
		{"America/Santiago", "2025-09-07"}, {"America/Santiago", "2025-04-05"},
		{"Pacific/Apia", "2011-12-29"}, {"Pacific/Apia", "2011-12-30"}, {"Pacific/Apia", "2011-12-31"},
		{"Asia/Kolkata", "2025-03-09"}, {"UTC", "2025-03-09"},
	}
	for _, day := range days {
		t.Run(day.zone+"/"+day.date, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(day.zone)
			d := civil.MustParseDate(day.date)
			for m := 0; m < 24*60; m += 15 {
				c := civil.ClockFromMinutes(m)
				wall := time.Date(d.Year, d.Month, d.Day, c.Hour, c.Minute, 0, 0, time.UTC)
				// Every instant that shows this wall clock, earliest first:
				// offsets are whole quarter hours within ±26 hours.
				var showing []time.Time
				for off := -26 * 4; off <= 26*4; off++ {
					u := wall.Add(-time.Duration(off) * 15 * time.Minute)
					if sameWall(u.In(loc), wall) {
						showing = append(showing, u)
					}
				}
				earliest := time.Time{}
				for _, u := range showing {
					if earliest.IsZero() || u.Before(earliest) {
						earliest = u
					}
				}
				r := timeline.ResolveDetail(d, c, loc)
				switch {
				case len(showing) > 0:
					if !r.Time.Equal(earliest) {
						t.Fatalf("%s: got %v, want the earliest instant showing it, %v", c, r.Time, earliest.In(loc))
					}
					if (len(showing) > 1) != (r.Kind == timeline.WallAmbiguous) {
						t.Fatalf("%s: kind %v with %d instants showing it", c, r.Kind, len(showing))
					}
				default:
					if r.Kind != timeline.WallGap {
						t.Fatalf("%s: kind %v, want gap", c, r.Kind)
					}
					_, before := r.Time.Add(-time.Nanosecond).Add(-48 * time.Hour).In(loc).Zone()
					_, after := r.Time.In(loc).Zone()
					shown := wallOf(r.Time.In(loc))
					if got, want := shown.Sub(wall), time.Duration(after-before)*time.Second; got != want || got <= 0 {
						t.Fatalf("%s: moved by %v to %v, want forward by the gap, %v", c, got, r.Time, want)
					}
				}
			}
		})
	}
}

func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

func sameWall(t, wall time.Time) bool { return wallOf(t).Equal(wall) }

// TestTimeDateDisagrees records why the resolver exists: time.Date moves a
// New York gap time backwards and picks the later London overlap instant.
func TestTimeDateDisagrees(t *testing.T) {
	t.Parallel()
	ny, london := mustLoad("America/New_York"), mustLoad("Europe/London")
	if std, ours := time.Date(2025, 3, 9, 2, 30, 0, 0, ny), timeline.Resolve(civil.D(2025, 3, 9), civil.Clock{Hour: 2, Minute: 30}, ny); std.Equal(ours) || ours.Hour() != 3 {
		t.Errorf("New York 02:30: time.Date %v, Resolve %v; want Resolve at 03:30 and unlike time.Date", std, ours)
	}
	if std, ours := time.Date(2025, 10, 26, 1, 30, 0, 0, london), timeline.Resolve(civil.D(2025, 10, 26), civil.Clock{Hour: 1, Minute: 30}, london); !ours.Before(std) {
		t.Errorf("London 01:30: time.Date %v, Resolve %v; want Resolve first", std, ours)
	}
}

func TestDayExists(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zone, date string
		want       bool
	}{
		{"Pacific/Apia", "2011-12-29", true},
		{"Pacific/Apia", "2011-12-30", false},
		{"Pacific/Apia", "2011-12-31", true},
		{"America/Havana", "2025-03-09", true}, // midnight is missing, the day is not
		{"America/Santiago", "2025-09-07", true},
		{"Europe/London", "2025-03-30", true},
	}
	for _, tt := range tests {
		if got := timeline.DayExists(civil.MustParseDate(tt.date), mustLoad(tt.zone)); got != tt.want {
			t.Errorf("DayExists(%s, %s) = %v, want %v", tt.date, tt.zone, got, tt.want)
		}
	}
}

func TestResolveNilLocationIsUTC(t *testing.T) {
	t.Parallel()
	got := timeline.Resolve(civil.D(2025, 1, 2), civil.Clock{Hour: 3, Minute: 4}, nil)
	if want := time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if s := timeline.WallAmbiguous.String() + timeline.WallGap.String() + timeline.WallNormal.String(); s != "ambiguousgapnormal" {
		t.Errorf("WallKind strings = %q", s)
	}
}
