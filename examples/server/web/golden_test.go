package web

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files (and the README screenshot) from this run")

// outline writes the structure of an HTML document, one node a line,
// indented by depth: elements with their attributes as written, text with
// its white space collapsed. Ids of records (UUIDs, in the order they
// appear), asset hashes and request ids are replaced by placeholders, so
// the outline depends only on what the page shows.
func outline(t testing.TB, doc string) string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	ids := map[string]string{}
	scrub := func(s string) string {
		s = uuidRE.ReplaceAllStringFunc(s, func(u string) string {
			if _, ok := ids[u]; !ok {
				ids[u] = fmt.Sprintf("ID%d", len(ids)+1)
			}
			return ids[u]
		})
		s = assetRE.ReplaceAllString(s, "?v=HASH")
		s = codeRE.ReplaceAllString(s, "PAIRING-CODE")
		return requestRE.ReplaceAllString(s, "REQUEST-ID")
	}
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		ind := strings.Repeat("  ", max(depth, 0))
		switch n.Type {
		case html.DoctypeNode:
			fmt.Fprintf(&b, "%s<!DOCTYPE %s>\n", ind, n.Data)
		case html.ElementNode:
			fmt.Fprintf(&b, "%s<%s", ind, n.Data)
			for _, a := range n.Attr {
				fmt.Fprintf(&b, " %s=%q", a.Key, scrub(a.Val))
			}
			b.WriteString(">\n")
		case html.TextNode:
			if txt := strings.Join(strings.Fields(n.Data), " "); txt != "" {
				fmt.Fprintf(&b, "%s%q\n", ind, scrub(txt))
			}
		}
		next := depth
		if n.Type == html.ElementNode || n.Type == html.DoctypeNode {
			next++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, next)
		}
	}
	walk(root, -1)
	return b.String()
}

var (
	uuidRE    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	assetRE   = regexp.MustCompile(`\?v=[0-9a-f]{12}`)
	requestRE = regexp.MustCompile(`\b[0-9a-hjkmnp-tv-z]{26}\b`)
	codeRE    = regexp.MustCompile(`\b[A-HJKMNP-TV-Z2-9]{5}-[A-HJKMNP-TV-Z2-9]{5}\b`)
)

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", name, path, diff)
	}
}

// TestPagesGolden renders every page of the fixture's person and compares
// its structure with the golden files.
func TestPagesGolden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	anon := f.client()
	c := f.client()
	c.signIn(f.token)

	pages := []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"signin", anon, "/app/signin", http.StatusOK},
		{"today", c, "/app/", http.StatusOK},
		{"today-past", c, "/app/?date=2026-03-08", http.StatusOK},
		{"not-found", c, "/app/nowhere", http.StatusNotFound},
		{"bad-date", c, "/app/?date=2026-02-30", http.StatusBadRequest},
		{"trends", c, "/app/trends", http.StatusOK},
		{"trends-90", c, "/app/trends?days=90", http.StatusOK},
		{"trends-bad", c, "/app/trends?days=7", http.StatusBadRequest},
		{"achievements", c, "/app/achievements", http.StatusOK},
		{"items", c, "/app/items", http.StatusOK},
		{"item-new", c, "/app/items/new", http.StatusOK},
		{"item-edit", c, "/app/items/" + f.item("Vitamin D").ID.String(), http.StatusOK},
		{"item-delete", c, "/app/items/" + f.item("Read").ID.String() + "/delete", http.StatusOK},
		{"profile", c, "/app/profile", http.StatusOK},
		{"devices", c, "/app/devices", http.StatusOK},
		{"oura", c, "/app/oura", http.StatusOK},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			got := p.c.get(p.path)
			if got.status != p.status {
				t.Fatalf("GET %s: status %d, want %d\n%.800s", p.path, got.status, p.status, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			golden(t, p.name, outline(t, got.body))
		})
	}

	// Pages answered to a form: errors shown beside their fields, a
	// pairing code, a backfill under way.
	posts := []struct {
		name, path string
		form       url.Values
		status     int
		then       string // a page to show after the form, instead of its answer
	}{
		{"item-invalid", "/app/items", url.Values{"title": {""}, "kind": {"habit"}, "difficulty": {"easy"}, "schedule.type": {"weekly"},
			"anchor.type": {"fixed"}, "anchor.times": {"25:00"}, "offset_minutes": {"x"}, "duration_minutes": {"10"}, "missed": {"drop"}},
			http.StatusBadRequest, ""},
		{"profile-invalid", "/app/goals", url.Values{"sleep_minutes": {"60"}, "steps": {"8000"}, "work_minutes": {"480"},
			"after_hours_minutes": {"0"}, "day_goal_percent": {"80"}, "weights.sleep": {"1"}, "weights.activity": {"1"},
			"weights.work_life": {"1"}, "weights.habits": {"lots"}}, http.StatusBadRequest, ""},
		{"devices-code", "/app/devices/pair", url.Values{}, http.StatusOK, ""},
		{"oura-backfill", "/app/oura/backfill", url.Values{"start_date": {"2025-11-01"}}, http.StatusSeeOther, "/app/oura"},
	}
	for _, p := range posts {
		t.Run(p.name, func(t *testing.T) {
			got := c.post(p.path, p.form)
			if got.status != p.status {
				t.Fatalf("POST %s: status %d, want %d\n%.800s", p.path, got.status, p.status, got.body)
			}
			if p.then != "" {
				f.jobs.advance(f.user.ID)
				got = c.get(p.then)
			}
			golden(t, p.name, outline(t, got.body))
		})
	}
}
