package activitywatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
)

// DefaultBaseURL is where ActivityWatch serves its API on the machine it
// runs on.
const DefaultBaseURL = "http://localhost:5600"

// The bucket types of ActivityWatch's watchers.
const (
	TypeWindow = "currentwindow"   // aw-watcher-window: data {app, title}
	TypeAFK    = "afkstatus"       // aw-watcher-afk: data {status: "afk" | "not-afk"}
	TypeWeb    = "web.tab.current" // aw-watcher-web: data {url, title, audible, incognito}
)

// Info is the answer of /api/0/info.
type Info struct {
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
	Testing  bool   `json:"testing"`
	DeviceID string `json:"device_id,omitempty"`
}

// Bucket is one bucket of events, as /api/0/buckets/ lists them.
type Bucket struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	Client      string    `json:"client"`
	Hostname    string    `json:"hostname"`
	Created     time.Time `json:"created"`
	LastUpdated time.Time `json:"last_updated,omitzero"`
}

// Event is one event of a bucket: from Timestamp for Duration, with the
// watcher's data.
type Event struct {
	ID        int64
	Timestamp time.Time
	Duration  time.Duration
	Data      map[string]any
}

// End returns Timestamp + Duration.
func (e Event) End() time.Time { return e.Timestamp.Add(e.Duration) }

// String returns the data's string value under key, "" when there is none.
func (e Event) String(key string) string {
	s, _ := e.Data[key].(string)
	return s
}

type wireEvent struct {
	ID        *int64         `json:"id"`
	Timestamp time.Time      `json:"timestamp"`
	Duration  float64        `json:"duration"`
	Data      map[string]any `json:"data"`
}

// Category is one of the categories a person set up in ActivityWatch's web
// interface: a path of names ("Work", "Programming") and the rule that
// selects events into it.
type Category struct {
	Name []string `json:"name"`
	Rule struct {
		Type       string `json:"type"` // "regex" or "none"
		Regex      string `json:"regex,omitempty"`
		IgnoreCase bool   `json:"ignore_case,omitempty"`
	} `json:"rule"`
}

// Client reads the REST API of one ActivityWatch server (aw-server or
// aw-server-rust) through a [workstats.Fetcher]. Safe for concurrent use.
type Client struct {
	f     *workstats.Fetcher
	base  *url.URL
	chunk time.Duration
}

// DefaultChunk is the longest stretch of time one events request asks
// for; longer ranges are read in pieces so no answer grows without bound.
const DefaultChunk = 7 * 24 * time.Hour

// NewClient returns a client of the server at baseURL (DefaultBaseURL when
// empty), with the resilience configured by cfg.
func NewClient(baseURL string, cfg workstats.FetcherConfig) (*Client, error) {
	if cfg.Source == "" {
		cfg.Source = SourceName
	}
	f, err := workstats.NewFetcher(cfg)
	if err != nil {
		return nil, err
	}
	return newClient(f, baseURL)
}

func newClient(f *workstats.Fetcher, baseURL string) (*Client, error) {
	u, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	return &Client{f: f, base: u, chunk: DefaultChunk}, nil
}

// parseBase checks an ActivityWatch address: http or https, a host, no
// user, query or fragment. The API lives under /api/0/ of it.
func parseBase(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	bad := func(reason string) (*url.URL, error) {
		return nil, &lifeops.ValidationError{Field: "base_url", Reason: reason}
	}
	if len(raw) > 500 {
		return bad("must be at most 500 bytes")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("is not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("must be an http or https URL with a host, such as " + DefaultBaseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad("must not carry a user, a query or a fragment")
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/0") + "/api/0/"
	u.RawPath = ""
	return u, nil
}

// get fetches path (relative to /api/0/) and decodes its JSON into v.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	u := c.base.JoinPath(path)
	if strings.HasSuffix(path, "/") && !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery = q.Encode()
	target := "GET " + u.Path
	resp, err := c.f.Get(ctx, &workstats.Request{URL: u, Target: target, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset >= int64(len(strings.TrimRight(string(resp.Body), " \t\r\n"))) {
			return &workstats.NetworkError{Source: SourceName, Target: target, Err: fmt.Errorf("body cut short: %w", err)}
		}
		return &workstats.DecodeError{Source: SourceName, Target: target, Err: err}
	}
	return nil
}

// Info returns the server's host name and version.
func (c *Client) Info(ctx context.Context) (Info, error) {
	var in Info
	return in, c.get(ctx, "info", nil, &in)
}

// Buckets returns the server's buckets, ordered by ID.
func (c *Client) Buckets(ctx context.Context) ([]Bucket, error) {
	var m map[string]Bucket
	if err := c.get(ctx, "buckets/", nil, &m); err != nil {
		return nil, err
	}
	out := make([]Bucket, 0, len(m))
	for id, b := range m {
		if b.ID == "" {
			b.ID = id
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Bucket) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Events returns the events of a bucket that overlap [start, end), cut to
// it, ordered by time. Long ranges are read in chunks of at most a week.
// Events with a negative or absurd duration are dropped.
func (c *Client) Events(ctx context.Context, bucketID string, start, end time.Time) ([]Event, error) {
	if bucketID == "" || strings.ContainsAny(bucketID, "/?#") {
		return nil, &lifeops.ValidationError{Field: "bucket", Reason: "must be a bucket id"}
	}
	var out []Event
	for lo := start; lo.Before(end); lo = lo.Add(c.chunk) {
		hi := lo.Add(c.chunk)
		if hi.After(end) {
			hi = end
		}
		var wire []wireEvent
		q := url.Values{"start": {lo.UTC().Format(time.RFC3339Nano)}, "end": {hi.UTC().Format(time.RFC3339Nano)}, "limit": {"-1"}}
		if err := c.get(ctx, "buckets/"+url.PathEscape(bucketID)+"/events", q, &wire); err != nil {
			return nil, err
		}
		for _, w := range wire {
			if w.Duration < 0 || math.IsNaN(w.Duration) || w.Duration > 366*86400 || w.Timestamp.IsZero() {
				continue
			}
			e := Event{Timestamp: w.Timestamp, Duration: time.Duration(w.Duration * float64(time.Second)), Data: w.Data}
			if w.ID != nil {
				e.ID = *w.ID
			}
			// Cut to the chunk: an event that overlaps two chunks comes
			// back from both, and each keeps its own part.
			if e.Timestamp.Before(lo) {
				e.Duration -= lo.Sub(e.Timestamp)
				e.Timestamp = lo
			}
			if e.End().After(hi) {
				e.Duration = hi.Sub(e.Timestamp)
			}
			if e.Duration > 0 {
				out = append(out, e)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.Timestamp.Compare(b.Timestamp) })
	return out, nil
}

// Categories returns the categories set up in the web interface (the
// setting "classes"), or none when the server keeps none or is too old to
// serve settings.
func (c *Client) Categories(ctx context.Context) ([]Category, error) {
	var cats []Category
	err := c.get(ctx, "settings/classes", nil, &cats)
	var se *workstats.StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		return nil, nil
	}
	return cats, err
}
