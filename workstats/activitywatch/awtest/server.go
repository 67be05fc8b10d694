// Package awtest is a fake ActivityWatch server for tests: the REST routes
// the activitywatch adapter reads (/api/0/info, /api/0/buckets/, a bucket's
// events by time range, the categories setting) with ActivityWatch's JSON
// shapes, buckets of any number of hosts, realistic work days from
// [Workdays], fault injection (429 with Retry-After, 5xx, slow answers,
// bodies cut short, dropped connections) and a log of the requests.
package awtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeops/lifeops/workstats/internal/fault"
)

// Fault is one way for a request to fail.
type Fault = fault.Fault

// Rule applies a Fault to the requests whose path starts with Path (all
// when empty), Times times (0: every time).
type Rule = fault.Rule

// Status answers with an HTTP status such as 500 or 503.
func Status(code int) Fault { return fault.Status(code) }

// RateLimited answers 429 with Retry-After (whole seconds, rounded up).
func RateLimited(retryAfter time.Duration) Fault { return fault.RateLimited(retryAfter) }

// Slow waits d before answering normally (or until the client gives up).
func Slow(d time.Duration) Fault { return fault.Slow(d) }

// Cut closes the connection half-way through a body announced whole.
func Cut() Fault { return fault.Cut() }

// Drop closes the connection without an answer.
func Drop() Fault { return fault.Drop() }

// The bucket types ActivityWatch's watchers write.
const (
	TypeWindow = "currentwindow"
	TypeAFK    = "afkstatus"
	TypeWeb    = "web.tab.current"
)

// Event is one event as ActivityWatch stores it.
type Event struct {
	Timestamp time.Time
	Duration  time.Duration
	Data      map[string]any
}

// Category is one category of the web interface's "classes" setting.
type Category struct {
	Name       []string
	Regex      string
	IgnoreCase bool
}

// Server is a fake ActivityWatch server on httptest.
type Server struct {
	*httptest.Server
	faults fault.Injector

	mu         sync.Mutex
	hostname   string
	buckets    map[string]*bucket
	categories []Category
	nextID     int64
	paths      []string
}

type bucket struct {
	id, typ, client, hostname string
	created                   time.Time
	events                    []stored // ordered by timestamp
}

type stored struct {
	id int64
	Event
}

// Start starts a server that t closes when it ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server; the caller closes it.
func NewServer() *Server {
	s := &Server{hostname: "awtest", buckets: map[string]*bucket{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/0/info", s.info)
	mux.HandleFunc("GET /api/0/buckets/", s.listBuckets)
	mux.HandleFunc("GET /api/0/buckets/{id}/events", s.events)
	mux.HandleFunc("GET /api/0/settings/classes", s.classes)
	s.Server = httptest.NewServer(s.faults.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	})))
	return s
}

// AddBucket creates a bucket unless it exists.
func (s *Server) AddBucket(id, typ, hostname string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addBucket(id, typ, hostname)
}

func (s *Server) addBucket(id, typ, hostname string) *bucket {
	if b, ok := s.buckets[id]; ok {
		return b
	}
	client := map[string]string{TypeWindow: "aw-watcher-window", TypeAFK: "aw-watcher-afk", TypeWeb: "aw-client-web"}[typ]
	b := &bucket{id: id, typ: typ, client: client, hostname: hostname, created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	s.buckets[id] = b
	return b
}

// AddEvents adds events to a bucket, which must exist.
func (s *Server) AddEvents(bucketID string, events ...Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[bucketID]
	if b == nil {
		panic("awtest: no bucket " + bucketID)
	}
	for _, e := range events {
		s.nextID++
		b.events = append(b.events, stored{id: s.nextID, Event: e})
	}
	slices.SortStableFunc(b.events, func(a, b stored) int { return a.Timestamp.Compare(b.Timestamp) })
}

// SetCategories sets the "classes" setting; nil removes it, and the route
// answers 404 as a server without it does.
func (s *Server) SetCategories(cats []Category) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.categories = cats
}

// Inject adds a fault rule.
func (s *Server) Inject(r Rule) { s.faults.Add(r) }

// ClearFaults drops every fault rule.
func (s *Server) ClearFaults() { s.faults.Reset() }

// Paths returns the path of every request the server received, faults
// included, in order.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"hostname": s.hostname, "version": "v0.13.2", "testing": true, "device_id": "awtest-device"})
}

func (s *Server) listBuckets(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/0/buckets/" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{}
	for id, b := range s.buckets {
		last := b.created
		if n := len(b.events); n > 0 {
			last = b.events[n-1].Timestamp.Add(b.events[n-1].Duration)
		}
		out[id] = map[string]any{"id": id, "created": b.created.Format(awTime), "name": nil, "type": b.typ,
			"client": b.client, "hostname": b.hostname, "last_updated": last.Format(awTime)}
	}
	writeJSON(w, out)
}

// awTime is how ActivityWatch writes instants.
const awTime = "2006-01-02T15:04:05.000000-07:00"

// events answers like ActivityWatch: the events that overlap [start, end],
// newest first, at most limit (-1 for all).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	parse := func(name string) (time.Time, bool) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, true
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		return t, err == nil
	}
	start, ok1 := parse("start")
	end, ok2 := parse("end")
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err = -1, nil
	}
	if !ok1 || !ok2 || err != nil {
		http.Error(w, `{"message":"bad query"}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	b := s.buckets[r.PathValue("id")]
	if b == nil {
		s.mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"There's no bucket named ` + strings.ReplaceAll(r.PathValue("id"), `"`, "") + `"}`))
		return
	}
	out := []map[string]any{}
	for i := len(b.events) - 1; i >= 0; i-- {
		e := b.events[i]
		if (!end.IsZero() && e.Timestamp.After(end)) || (!start.IsZero() && e.Timestamp.Add(e.Duration).Before(start)) {
			continue
		}
		if limit >= 0 && len(out) >= limit {
			break
		}
		out = append(out, map[string]any{"id": e.id, "timestamp": e.Timestamp.UTC().Format(awTime), "duration": e.Duration.Seconds(), "data": e.Data})
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Server) classes(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	cats := s.categories
	s.mu.Unlock()
	if cats == nil {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"No setting with key classes"}`))
		return
	}
	out := []map[string]any{}
	for i, c := range cats {
		out = append(out, map[string]any{"id": i + 1, "name": c.Name, "rule": map[string]any{"type": "regex", "regex": c.Regex, "ignore_case": c.IgnoreCase}, "data": map[string]any{"color": "#a0c4ff"}})
	}
	writeJSON(w, out)
}
