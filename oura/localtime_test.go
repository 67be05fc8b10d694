package oura

import (
	"errors"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

func TestLocalDateTime_In(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want string
	}{
		{"2024-03-09T22:15:00", ny, "2024-03-09T22:15:00-05:00"},
		{"2024-03-10T02:30:00", ny, "2024-03-10T03:30:00-04:00"},       // gap: skipped wall clock moves past it
		{"2024-03-10T03:30:00", ny, "2024-03-10T03:30:00-04:00"},       // just after the gap
		{"2024-11-03T01:30:00", ny, "2024-11-03T01:30:00-04:00"},       // overlap: the earlier instant
		{"2024-11-03T02:30:00", ny, "2024-11-03T02:30:00-05:00"},       // after the overlap
		{"2024-07-01T12:00:00.25", ny, "2024-07-01T12:00:00.25-04:00"}, // fraction kept
		{"2024-07-01T12:00:00+01:00", ny, "2024-07-01T12:00:00+01:00"}, // an offset Oura sent wins
		{"2024-07-01T12:00:00Z", ny, "2024-07-01T12:00:00Z"},
		{"2024-07-01T12:00:00", time.UTC, "2024-07-01T12:00:00Z"},
	}
	for _, tt := range tests {
		lt, err := ParseLocalDateTime(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := lt.In(tt.loc).Format(time.RFC3339Nano); got != tt.want {
			t.Errorf("%s in %s = %s, want %s", tt.in, tt.loc, got, tt.want)
		}
	}
}

func TestParseLocalDateTime(t *testing.T) {
	t.Parallel()
	good := map[string]LocalDateTime{
		"2024-03-10T21:45":          {Date: civil.D(2024, 3, 10), Hour: 21, Minute: 45},
		"2024-03-10 21:45:07":       {Date: civil.D(2024, 3, 10), Hour: 21, Minute: 45, Second: 7},
		"2024-03-10T21:45:07.5":     {Date: civil.D(2024, 3, 10), Hour: 21, Minute: 45, Second: 7, Nano: 500000000},
		"2024-03-10T23:59:60":       {Date: civil.D(2024, 3, 10), Hour: 23, Minute: 59, Second: 59},
		"2024-03-10T06:00:00-09:30": {Date: civil.D(2024, 3, 10), Hour: 6, Offset: ptr(-9*3600 - 1800)},
	}
	for in, want := range good {
		got, err := ParseLocalDateTime(in)
		if err != nil || got.String() != want.String() || got.Nano != want.Nano {
			t.Errorf("ParseLocalDateTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2024-03-10", "2024-03-10X21:45", "2024-02-30T00:00", "2024-03-10T24:00", "2024-03-10T23:60",
		"2024-03-10T23:59:61", "2024-03-10T23:59:5x", "2024-03-10T23:59:59.", "2024-03-10T23:59:59.1234567890", "2024-03-10T23:59:59+25:00",
		"2024-03-10T23:59:59+0100", "2024-03-10T23:59:59 ", "2024-03-10Tab:00"} {
		if _, err := ParseLocalDateTime(in); err == nil {
			t.Errorf("ParseLocalDateTime(%q) succeeded", in)
		}
	}
	var z LocalDateTime
	if !z.IsZero() {
		t.Error("zero value is not IsZero")
	}
	if b, err := z.MarshalText(); err != nil || len(b) != 0 {
		t.Errorf("zero MarshalText = %q, %v", b, err)
	}
	if err := z.UnmarshalText(nil); err != nil || !z.IsZero() {
		t.Errorf("empty UnmarshalText = %v, %v", z, err)
	}
	if _, err := (LocalDateTime{Date: civil.D(2024, 2, 30)}).MarshalText(); err == nil {
		t.Error("an invalid date encoded")
	}
	if err := z.UnmarshalText([]byte("nope")); err == nil || errors.Is(err, ErrInvalidParam) {
		t.Errorf("bad text: %v", err)
	}
	if got := formatOffset(0) + formatOffset(-3600) + formatOffset(5*3600+45*60); got != "Z-01:00+05:45" {
		t.Errorf("offsets %q", got)
	}
}
