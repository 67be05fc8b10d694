package civil_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops/civil"
)

func TestDaysMatchesTimePackage(t *testing.T) {
	t.Parallel()
	// Walk every day from 1600 to 2400 and compare with the time package,
	// which is the reference for the proleptic Gregorian calendar.
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	for day := start; day.Year() < 2400; day = day.AddDate(0, 0, 1) {
		d := civil.DateOf(day)
		want := int(day.Unix() / 86400)
		if got := d.Days(); got != want {
			t.Fatalf("%s.Days() = %d, want %d", d, got, want)
		}
		if got := civil.FromDays(want); got != d {
			t.Fatalf("FromDays(%d) = %s, want %s", want, got, d)
		}
		if got := d.Weekday(); got != day.Weekday() {
			t.Fatalf("%s.Weekday() = %s, want %s", d, got, day.Weekday())
		}
	}
}

func TestAddDaysAndSub(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from civil.Date
		n    int
		want civil.Date
	}{
		{civil.D(2026, 2, 28), 1, civil.D(2026, 3, 1)},
		{civil.D(2028, 2, 28), 1, civil.D(2028, 2, 29)},
		{civil.D(2026, 12, 31), 1, civil.D(2027, 1, 1)},
		{civil.D(2026, 1, 1), -1, civil.D(2025, 12, 31)},
		{civil.D(2000, 3, 1), -1, civil.D(2000, 2, 29)},
		{civil.D(1900, 3, 1), -1, civil.D(1900, 2, 28)},
		{civil.D(2011, 12, 29), 2, civil.D(2011, 12, 31)},
		{civil.D(1969, 12, 31), 365, civil.D(1970, 12, 31)},
	}
	for _, tt := range tests {
		if got := tt.from.AddDays(tt.n); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
		if got := tt.want.Sub(tt.from); got != tt.n {
			t.Errorf("%s.Sub(%s) = %d, want %d", tt.want, tt.from, got, tt.n)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	a, b := civil.D(2026, 3, 8), civil.D(2026, 3, 9)
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("ordering of %s and %s is wrong", a, b)
	}
	if civil.D(2025, 12, 31).Compare(civil.D(2026, 1, 1)) != -1 || civil.D(2026, 2, 1).Compare(civil.D(2026, 1, 31)) != 1 {
		t.Error("ordering across months or years is wrong")
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    civil.Date
		wantErr bool
	}{
		{in: "2026-03-08", want: civil.D(2026, 3, 8)},
		{in: "2024-02-29", want: civil.D(2024, 2, 29)},
		{in: "0001-01-01", want: civil.D(1, 1, 1)},
		{in: "9999-12-31", want: civil.D(9999, 12, 31)},
		{in: "2026-02-29", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "2026-00-10", wantErr: true},
		{in: "2026-04-31", wantErr: true},
		{in: "0000-01-01", wantErr: true},
		{in: "2026-3-8", wantErr: true},
		{in: "2026/03/08", wantErr: true},
		{in: "+026-03-08", wantErr: true},
		{in: "2026-03-08T00:00", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := civil.ParseDate(tt.in)
		if tt.wantErr {
			if !errors.Is(err, civil.ErrInvalid) {
				t.Errorf("ParseDate(%q) error = %v, want ErrInvalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    civil.Clock
		wantErr bool
	}{
		{in: "00:00", want: civil.Clock{}},
		{in: "07:30", want: civil.Clock{Hour: 7, Minute: 30}},
		{in: "23:59", want: civil.Clock{Hour: 23, Minute: 59}},
		{in: "24:00", wantErr: true},
		{in: "12:60", wantErr: true},
		{in: "7:30", wantErr: true},
		{in: "07-30", wantErr: true},
		{in: "0a:30", wantErr: true},
	}
	for _, tt := range tests {
		got, err := civil.ParseClock(tt.in)
		if tt.wantErr {
			if !errors.Is(err, civil.ErrInvalid) {
				t.Errorf("ParseClock(%q) error = %v, want ErrInvalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestClockFromMinutes(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]string{0: "00:00", 90: "01:30", 1439: "23:59", 1440: "00:00", -30: "23:30", 1530: "01:30"} {
		if got := civil.ClockFromMinutes(in).String(); got != want {
			t.Errorf("ClockFromMinutes(%d) = %s, want %s", in, got, want)
		}
	}
	if got := civil.MustParseClock("06:45").Minutes(); got != 405 {
		t.Errorf("06:45 is %d minutes after midnight, want 405", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	type doc struct {
		Date  civil.Date  `json:"date"`
		Zero  civil.Date  `json:"zero"`
		Clock civil.Clock `json:"clock"`
	}
	in := doc{Date: civil.D(2026, 10, 25), Clock: civil.Clock{Hour: 1, Minute: 30}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"date":"2026-10-25","zero":"","clock":"01:30"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := json.Marshal(doc{Date: civil.D(2026, 2, 30)}); !errors.Is(err, civil.ErrInvalid) {
		t.Errorf("Marshal of 2026-02-30: error = %v, want ErrInvalid", err)
	}
	if err := json.Unmarshal([]byte(`{"clock":"25:00"}`), &out); !errors.Is(err, civil.ErrInvalid) {
		t.Errorf("Unmarshal of 25:00: error = %v, want ErrInvalid", err)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-08", "2024-02-29", "0000-00-00", "9999-12-31", "abcd-ef-gh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := civil.ParseDate(s)
		if err != nil {
			return
		}
		if !d.IsValid() {
			t.Fatalf("ParseDate(%q) accepted invalid %v", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		if civil.FromDays(d.Days()) != d {
			t.Fatalf("FromDays(Days(%s)) != %s", d, d)
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"07:30", "23:59", "24:00", "aa:bb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := civil.ParseClock(s)
		if err != nil {
			return
		}
		if !c.IsValid() || c.String() != s {
			t.Fatalf("ParseClock(%q) = %v", s, c)
		}
	})
}
