package activitywatch_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/activitywatch"
	"github.com/lifeops/lifeops/workstats/activitywatch/awtest"
)

func TestClientRoutes(t *testing.T) {
	t.Parallel()
	srv := awtest.Start(t)
	t0 := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	srv.Record("laptop", awtest.Session{Start: t0, End: t0.Add(12 * time.Minute), App: "Code", Title: "a.go"})
	c, err := activitywatch.NewClient(srv.URL+"/api/0/", workstats.FetcherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := c.Info(ctx)
	if err != nil || info.Hostname != "awtest" || info.Version == "" {
		t.Errorf("Info = %+v, %v", info, err)
	}
	bs, err := c.Buckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range bs {
		ids = append(ids, b.ID+" "+b.Type+" "+b.Hostname)
	}
	want := []string{"aw-watcher-afk_laptop afkstatus laptop", "aw-watcher-web-firefox_laptop web.tab.current laptop", "aw-watcher-window_laptop currentwindow laptop"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	// Three window events of 5, 5 and 2 minutes; asked from 09:07 to
	// 09:11 in chunks: cut to the range, in time order.
	evs, err := c.Events(ctx, awtest.WindowBucket("laptop"), t0.Add(7*time.Minute), t0.Add(11*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		From, To string
		App      string
	}
	var got []span
	for _, e := range evs {
		got = append(got, span{e.Timestamp.UTC().Format("15:04"), e.End().UTC().Format("15:04"), e.String("app")})
	}
	if diff := cmp.Diff([]span{{"09:07", "09:10", "Code"}, {"09:10", "09:11", "Code"}}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	cats, err := c.Categories(ctx)
	if err != nil || cats != nil {
		t.Errorf("no categories: %v, %v", cats, err)
	}
	srv.SetCategories([]awtest.Category{{Name: []string{"Work"}, Regex: "Code", IgnoreCase: true}})
	cats, err = c.Categories(ctx)
	if err != nil || len(cats) != 1 || cats[0].Name[0] != "Work" || cats[0].Rule.Regex != "Code" || !cats[0].Rule.IgnoreCase {
		t.Errorf("categories: %+v, %v", cats, err)
	}
	if _, err := c.Events(ctx, "no-such-bucket", t0, t0.Add(time.Hour)); !errors.Is(workstats.Translate("ActivityWatch", err), lifeops.ErrNotFound) {
		t.Errorf("missing bucket: %v", err)
	}
	if _, err := c.Events(ctx, "../info", t0, t0.Add(time.Hour)); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("a bucket id with a slash: %v", err)
	}
	for _, raw := range []string{"ftp://x", "http://", "http://u:p@localhost:5600", "http://localhost:5600/?q=1"} {
		if _, err := activitywatch.NewClient(raw, workstats.FetcherConfig{}); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("NewClient(%q) = %v", raw, err)
		}
	}
}

func TestSettingsJSONAndValidate(t *testing.T) {
	t.Parallel()
	in := `{"base_url":"http://desktop.lan:5600","hosts":["laptop","desktop"],
		"rules":[{"kind":"meeting","app":"^zoom\\.us$"},{"kind":"work","category":"Work > Programming"}],
		"working_hours":{"monday":[{"start":"09:00","end":"17:00"}]},"min_break_minutes":10}`
	var s activitywatch.Settings
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(s)
	var back activitywatch.Settings
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		s      activitywatch.Settings
		fields []string
	}{
		{activitywatch.Settings{}, []string{"rules"}},
		{activitywatch.Settings{BaseURL: "ftp://x", Rules: []activitywatch.Rule{{Kind: "work", App: "x"}}}, []string{"base_url"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "play", App: "x"}}}, []string{"rules[0].kind"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work"}}}, []string{"rules[0]"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", Title: "(unclosed"}}}, []string{"rules[0].title"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", URL: strings.Repeat("a", activitywatch.MaxPatternLen+1)}}}, []string{"rules[0].url"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", Category: "Work >  > X"}}}, []string{"rules[0].category"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", App: "x"}}, MinBreakMinutes: 241}, []string{"min_break_minutes"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", App: "x"}}, Hosts: []string{""}}, []string{"hosts[0]"}},
		{activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", App: "x"}}, WorkingHours: workstats.WorkingHours{Friday: []workstats.Shift{{}}}}, []string{"working_hours.friday[0]"}},
	} {
		var got []string
		for _, fe := range lifeops.FieldErrors(tc.s.Validate()) {
			got = append(got, fe.Field)
		}
		if diff := cmp.Diff(tc.fields, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.s, diff)
		}
	}
}
