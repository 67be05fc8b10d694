// Package fault injects failures into the fake servers of the work-life
// sources: error statuses, rate limits with Retry-After, slow answers,
// bodies cut short and connections dropped, each for a number of requests
// to a path.
package fault

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is one way for a request to fail.
type Fault struct {
	kind       kind
	status     int
	retryAfter time.Duration
	delay      time.Duration
}

type kind int

const (
	kindStatus kind = iota + 1
	kindSlow
	kindCut
	kindDrop
)

// Status answers with code (a 500 or a 503, say) and a short body.
func Status(code int) Fault { return Fault{kind: kindStatus, status: code} }

// RateLimited answers 429 with Retry-After in whole seconds (rounded up;
// 0 sends "0").
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{kind: kindStatus, status: http.StatusTooManyRequests, retryAfter: retryAfter}
}

// Unavailable answers 503 with Retry-After.
func Unavailable(retryAfter time.Duration) Fault {
	return Fault{kind: kindStatus, status: http.StatusServiceUnavailable, retryAfter: retryAfter}
}

// Slow waits d (or until the client gives up) before answering normally.
func Slow(d time.Duration) Fault { return Fault{kind: kindSlow, delay: d} }

// Cut answers normally but closes the connection half-way through the
// body, which was announced whole.
func Cut() Fault { return Fault{kind: kindCut} }

// Drop closes the connection without answering.
func Drop() Fault { return Fault{kind: kindDrop} }

// Rule applies Fault to the requests whose path starts with Path (every
// request when Path is empty), Times times (0: every time).
type Rule struct {
	Path  string
	Times int
	Fault Fault
}

// Injector holds rules and applies them; the zero value injects nothing.
// Safe for concurrent use.
type Injector struct {
	mu    sync.Mutex
	rules []*active
}

type active struct {
	Rule
	left int // requests left; -1 for every time
}

// Add adds r; rules apply in the order added, the first that matches.
func (in *Injector) Add(r Rule) {
	in.mu.Lock()
	defer in.mu.Unlock()
	left := r.Times
	if left <= 0 {
		left = -1
	}
	in.rules = append(in.rules, &active{Rule: r, left: left})
}

// Reset drops every rule.
func (in *Injector) Reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = nil
}

// take returns the fault for a request to path, using one of its times.
func (in *Injector) take(path string) (Fault, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, r := range in.rules {
		if r.left == 0 || !strings.HasPrefix(path, r.Path) {
			continue
		}
		if r.left > 0 {
			r.left--
		}
		return r.Fault, true
	}
	return Fault{}, false
}

// Wrap returns next with the faults applied in front of it.
func (in *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := in.take(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		switch f.kind {
		case kindStatus:
			if f.retryAfter > 0 || f.status == http.StatusTooManyRequests {
				secs := (f.retryAfter + time.Second - 1) / time.Second
				w.Header().Set("Retry-After", strconv.Itoa(int(secs)))
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(f.status)
			_, _ = w.Write([]byte(http.StatusText(f.status) + " (injected)"))
		case kindSlow:
			t := time.NewTimer(f.delay)
			defer t.Stop()
			select {
			case <-t.C:
				next.ServeHTTP(w, r)
			case <-r.Context().Done():
			}
		case kindCut:
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			body := rec.body.Bytes()
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.status)
			_, _ = w.Write(body[:len(body)/2])
			hijackClose(w)
		case kindDrop:
			hijackClose(w)
		}
	})
}

func hijackClose(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
	}
}

// recorder keeps what a handler writes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.status = code }
