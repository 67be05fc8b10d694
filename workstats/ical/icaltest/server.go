// Package icaltest is a fake calendar server for tests: it publishes
// iCalendar feeds at secret paths, answers conditional requests (ETag and
// If-Modified-Since) with 304, keeps a log of what it was asked, and
// injects faults (429 with Retry-After, 5xx, slow answers, bodies cut
// short, dropped connections). [Workweeks] and [Many] write realistic and
// large feeds to publish.
package icaltest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lifeops/lifeops/workstats/internal/fault"
)

// Fault is one way for a request to fail; see the constructors below.
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

// Request is one request the server saw.
type Request struct {
	Path            string
	IfNoneMatch     string
	IfModifiedSince string
	Status          int // 0 when a fault answered instead
}

// Server is a fake calendar server on httptest.
type Server struct {
	*httptest.Server
	faults fault.Injector

	mu       sync.Mutex
	feeds    map[string]*feed
	log      []Request
	noETag   bool
	noLastMo bool
}

type feed struct {
	body     []byte
	etag     string
	modified time.Time
}

// Option configures a server.
type Option func(*Server)

// WithoutETag makes the server send no ETag, so clients fall back on
// Last-Modified.
func WithoutETag() Option { return func(s *Server) { s.noETag = true } }

// WithoutLastModified makes the server send no Last-Modified.
func WithoutLastModified() Option { return func(s *Server) { s.noLastMo = true } }

// Start starts a server that t closes when it ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server; the caller closes it.
func NewServer(opts ...Option) *Server {
	s := &Server{feeds: map[string]*feed{}}
	for _, o := range opts {
		o(s)
	}
	s.Server = httptest.NewServer(s.faults.Wrap(http.HandlerFunc(s.serve)))
	return s
}

// Publish serves body at path (which should hold a secret, as real
// private feed URLs do) from now on, and returns the feed's URL. Publishing
// again replaces the feed and its validators; the same body keeps its
// ETag.
func (s *Server) Publish(path string, body []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	if old, ok := s.feeds[path]; ok && old.etag == etag {
		return s.URL + path
	}
	mod := time.Now().UTC().Truncate(time.Second)
	if old, ok := s.feeds[path]; ok && !mod.After(old.modified) {
		mod = old.modified.Add(time.Second)
	}
	s.feeds[path] = &feed{body: append([]byte(nil), body...), etag: etag, modified: mod}
	return s.URL + path
}

// Remove stops serving path: it answers 404 from now on.
func (s *Server) Remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.feeds, path)
}

// Inject adds a fault rule.
func (s *Server) Inject(r Rule) { s.faults.Add(r) }

// ClearFaults drops every fault rule.
func (s *Server) ClearFaults() { s.faults.Reset() }

// Requests returns the requests answered so far, in order; requests a
// fault answered are not in it.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.feeds[r.URL.Path]
	req := Request{Path: r.URL.Path, IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since")}
	status := http.StatusOK
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		status = http.StatusMethodNotAllowed
	case f == nil:
		status = http.StatusNotFound
	case !s.noETag && req.IfNoneMatch != "":
		if req.IfNoneMatch == f.etag || req.IfNoneMatch == "*" {
			status = http.StatusNotModified
		}
	case !s.noLastMo && req.IfModifiedSince != "":
		if t, err := http.ParseTime(req.IfModifiedSince); err == nil && !f.modified.After(t) {
			status = http.StatusNotModified
		}
	}
	req.Status = status
	s.log = append(s.log, req)
	s.mu.Unlock()

	if f != nil && status != http.StatusNotFound {
		if !s.noETag {
			w.Header().Set("ETag", f.etag)
		}
		if !s.noLastMo {
			w.Header().Set("Last-Modified", f.modified.Format(http.TimeFormat))
		}
	}
	switch status {
	case http.StatusOK:
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		_, _ = w.Write(f.body)
	case http.StatusNotModified:
		w.WriteHeader(status)
	default:
		http.Error(w, http.StatusText(status), status)
	}
}
