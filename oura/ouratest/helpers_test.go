package ouratest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeops/lifeops/oura/ouratest"
)

// day0 is a fixed "now" for tests: data exists up to this instant.
var day0 = time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)

// fetch GETs path with the bearer token (none when empty) and returns the
// status and body.
func fetch(t testing.TB, s *ouratest.Server, token, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, b
}

// page is a list response.
type page struct {
	Data      []map[string]any `json:"data"`
	NextToken *string          `json:"next_token"`
}

// mustPage GETs a list path and decodes it, failing on any status but 200.
func mustPage(t testing.TB, s *ouratest.Server, token, path string) page {
	t.Helper()
	status, body := fetch(t, s, token, path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return p
}

// walk follows next_token from path and returns every row and the number of
// pages.
func walk(t testing.TB, s *ouratest.Server, token, path string) ([]map[string]any, int) {
	t.Helper()
	var all []map[string]any
	pages := 0
	next := path
	for {
		p := mustPage(t, s, token, next)
		pages++
		all = append(all, p.Data...)
		if p.NextToken == nil {
			return all, pages
		}
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		next = u.Path + "?next_token=" + url.QueryEscape(*p.NextToken)
		if pages > 10000 {
			t.Fatal("more than 10000 pages")
		}
	}
}

func start(t testing.TB, opts ...ouratest.Option) *ouratest.Server {
	t.Helper()
	return ouratest.Start(t, append([]ouratest.Option{ouratest.WithTime(day0)}, opts...)...)
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// clientCall makes a webhook subscription call with the default client's
// credentials and checks the status.
func clientCall(t testing.TB, s *ouratest.Server, method, path, body string, want int) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-client-id", ouratest.DefaultClientID)
	req.Header.Set("x-client-secret", ouratest.DefaultClientSecret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	return b
}
