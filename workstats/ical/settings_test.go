package ical_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/ical"
)

const feedSecret = "q7Zx-private-2b9c"

// TestURLNeverPrints: the feed URL shows under no fmt verb, through slog's
// text and JSON handlers, or in JSON, alone or inside structs, pointers,
// slices and maps, exported fields or not.
func TestURLNeverPrints(t *testing.T) {
	t.Parallel()
	u := ical.MustParseURL("https://calendar.example.com/ical/" + feedSecret + "/basic.ics?key=" + feedSecret)
	type hidden struct{ u ical.URL } // an unexported field: fmt cannot call its methods
	settings := ical.Settings{Feeds: []ical.Feed{{ID: "work", URL: u}}}
	values := map[string]any{
		"URL":            u,
		"*URL":           &u,
		"Feed":           settings.Feeds[0],
		"Settings":       settings,
		"*Settings":      &settings,
		"slice":          []ical.URL{u},
		"map":            map[string]ical.URL{"k": u},
		"map of feeds":   map[string]ical.Feed{"k": settings.Feeds[0]},
		"unexported":     hidden{u},
		"ptr unexported": &hidden{u},
		"Person":         ical.Person{Settings: settings},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, feedSecret) || strings.Contains(got, "calendar.example.com/ical") {
				t.Errorf("%s %s shows the URL: %s", name, verb, got)
			}
		}
		var jbuf, tbuf bytes.Buffer
		slog.New(slog.NewJSONHandler(&jbuf, nil)).Info("v", "v", v, slog.Group("g", "v", v))
		slog.New(slog.NewTextHandler(&tbuf, nil)).Info("v", "v", v, slog.Group("g", "v", v))
		for h, out := range map[string]string{"JSON": jbuf.String(), "text": tbuf.String()} {
			if strings.Contains(out, feedSecret) {
				t.Errorf("%s through slog %s shows the URL: %s", name, h, out)
			}
		}
		if b, err := json.Marshal(v); err == nil && strings.Contains(string(b), feedSecret) {
			t.Errorf("%s in JSON shows the URL: %s", name, b)
		}
	}
	if got := fmt.Sprint(u); got != "[REDACTED]" {
		t.Errorf("Sprint = %q", got)
	}
	if !strings.Contains(u.Reveal(), feedSecret) || u.Host() != "calendar.example.com" {
		t.Error("Reveal or Host lost the address")
	}
}

// TestSettingsJSONAndSecrets: settings go to JSON without their URLs, the
// URLs go to Secrets for sealing, and the two come back together.
func TestSettingsJSONAndSecrets(t *testing.T) {
	t.Parallel()
	in := `{"feeds":[{"id":"work","name":"Work","url":"webcal://calendar.example.com/` + feedSecret + `.ics"},{"id":"home","file":"home/personal.ics"}],
		"addresses":["Ada@Example.com"],"skip_tentative":true,"working_hours":{"monday":[{"start":"09:00","end":"17:00"}]}}`
	var s ical.Settings
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := s.Feeds[0].URL.Reveal(); got != "https://calendar.example.com/"+feedSecret+".ics" {
		t.Errorf("webcal is read as https: %s", got)
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"feeds":[{"id":"work","name":"Work","url":"[REDACTED]"},{"id":"home","file":"home/personal.ics"}],"addresses":["Ada@Example.com"],"skip_tentative":true,"working_hours":{"monday":[{"start":"09:00","end":"17:00"}]}}`
	if string(out) != want {
		t.Errorf("JSON\n got %s\nwant %s", out, want)
	}
	secrets := s.Secrets()
	if diff := cmp.Diff(map[string]string{"work": "https://calendar.example.com/" + feedSecret + ".ics"}, secrets); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}
	// What a store keeps: the public JSON with the URL left out, and the
	// sealed secrets.
	stored := strings.Replace(string(out), `,"url":"[REDACTED]"`, "", 1)
	var back ical.Settings
	if err := json.Unmarshal([]byte(stored), &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("a URL feed without its URL validates: %v", err)
	}
	back, err = back.WithSecrets(secrets)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := back.WithSecrets(map[string]string{"nope": "https://x.example/a"}); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("a secret for no feed: %v", err)
	}
	// The redacted placeholder is not an address.
	if err := json.Unmarshal([]byte(`{"feeds":[{"id":"w","url":"[REDACTED]"}]}`), &back); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("the placeholder decoded: %v", err)
	}
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	u := ical.MustParseURL("https://calendar.example.com/x.ics")
	bad := workstats.WorkingHours{Monday: []workstats.Shift{{}}}
	for _, tc := range []struct {
		s      ical.Settings
		fields []string
	}{
		{ical.Settings{}, []string{"feeds"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a b", URL: u}}}, []string{"feeds[0].id"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", URL: u}, {ID: "a", URL: u}}}, []string{"feeds[1].id"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a"}}}, []string{"feeds[0]"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", URL: u, File: "x.ics"}}}, []string{"feeds[0]"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", File: "../etc/passwd"}}}, []string{"feeds[0].file"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", File: "/abs.ics"}}}, []string{"feeds[0].file"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", URL: u, Name: strings.Repeat("n", 101)}}}, []string{"feeds[0].name"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", URL: u}}, Selection: ical.Selection{Addresses: []string{"nobody"}}}, []string{"addresses[0]"}},
		{ical.Settings{Feeds: []ical.Feed{{ID: "a", URL: u}}, WorkingHours: &bad}, []string{"working_hours.monday[0]"}},
	} {
		var got []string
		for _, fe := range lifeops.FieldErrors(tc.s.Validate()) {
			got = append(got, fe.Field)
		}
		if diff := cmp.Diff(tc.fields, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.s, diff)
		}
	}
	for _, raw := range []string{"", "ftp://x/y", "https://", "not a url at all\x7f", "[REDACTED]", "https://x.example/" + strings.Repeat("a", 2048)} {
		_, err := ical.ParseURL(raw)
		if !errors.Is(err, lifeops.ErrInvalid) || (len(raw) > 8 && strings.Contains(err.Error(), raw[8:])) {
			t.Errorf("ParseURL(%.30q) = %v", raw, err)
		}
	}
}
