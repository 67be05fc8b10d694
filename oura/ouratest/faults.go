package ouratest

import (
	"fmt"
	"net/http"
	"path"
	"strconv"
	"time"
)

// Fault is what the server does to a request a [Rule] matches instead of, or
// before, serving it.
type Fault struct {
	// Status answers with this status instead of serving: 429 carries
	// Retry-After and the X-RateLimit-* headers, 500 a JSON body, 502, 503 and
	// 504 the HTML page a gateway sends. 0 serves the request.
	Status int
	// RetryAfter sets the Retry-After header, in whole seconds rounded up,
	// on a 429 or 503; on a 429 it also sets X-RateLimit-Reset.
	RetryAfter time.Duration
	// Delay waits this long (real time) before answering; a client that
	// gives up first ends the wait.
	Delay time.Duration
	// CutBody serves the request but sends only the first half of the body
	// (with the full Content-Length), then drops the connection.
	CutBody bool
	// Reset drops the connection without an answer, with a TCP reset.
	Reset bool
}

// RateLimited is a 429 with Retry-After and the X-RateLimit-* headers.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is a 5xx answer: 500 with a JSON body, 502, 503 or 504 with a
// gateway's HTML page.
func ServerError(status int) Fault { return Fault{Status: status} }

// Slow delays the answer by d, then serves the request.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// CutBody sends half the body, then drops the connection.
func CutBody() Fault { return Fault{CutBody: true} }

// ConnectionReset drops the connection without an answer. Note that Go's
// http.Transport retries an idempotent request once by itself when a reused
// connection is dropped before any answer, so such a request may consume two
// faults of a rule.
func ConnectionReset() Fault { return Fault{Reset: true} }

// String names the fault as the request log does: "reset", "cut body",
// "status 429", "delay 1s".
func (f Fault) String() string {
	switch {
	case f.Reset:
		return "reset"
	case f.CutBody:
		return "cut body"
	case f.Status != 0:
		return "status " + strconv.Itoa(f.Status)
	case f.Delay > 0:
		return "delay " + f.Delay.String()
	}
	return "none"
}

// Rule says which requests get a fault: by schedule (the next Times matching
// requests, after letting After through) or by chance (each matching request
// with Probability, drawn from the server's seed, so the same sequence of
// requests meets the same faults).
type Rule struct {
	// Method matches the request method; empty matches any.
	Method string
	// Path matches the request path exactly, or as a path.Match pattern
	// ("/v2/usercollection/*"); empty matches any path.
	Path string
	// After lets this many matching requests through before the rule acts.
	After int
	// Times is how many requests get the fault before the rule retires;
	// 0 means no limit.
	Times int
	// Probability, when above 0, gives each matching request the fault with
	// that chance; 0 means every matching request.
	Probability float64
	// Fault is what happens.
	Fault Fault
}

func (r Rule) validate() error {
	f := r.Fault
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d is not an error status (400 to 599)", f.Status)
	case f.RetryAfter < 0 || f.Delay < 0:
		return fmt.Errorf("negative duration")
	case f.Reset && (f.Status != 0 || f.CutBody):
		return fmt.Errorf("a reset cannot also answer or cut a body")
	case f.CutBody && f.Status != 0:
		return fmt.Errorf("a cut body serves the request and cannot also answer %d", f.Status)
	case f == Fault{}:
		return fmt.Errorf("the fault does nothing")
	case r.Times < 0 || r.After < 0:
		return fmt.Errorf("negative Times or After")
	case r.Probability < 0 || r.Probability > 1:
		return fmt.Errorf("probability %v is not between 0 and 1", r.Probability)
	}
	if r.Path != "" {
		if _, err := path.Match(r.Path, ""); err != nil {
			return fmt.Errorf("path pattern %q: %w", r.Path, err)
		}
	}
	return nil
}

// rule is an installed Rule with its counters.
type rule struct {
	Rule
	seen, applied int
}

func (r *rule) matches(method, p string) bool {
	if r.Method != "" && r.Method != method {
		return false
	}
	if r.Path == "" || r.Path == p {
		return true
	}
	ok, _ := path.Match(r.Path, p)
	return ok
}

// Inject installs fault rules; they act on requests from now on, the first
// matching rule that fires wins. For example, to answer the next two
// heart-rate requests with 429 and Retry-After: 1:
//
//	s.Inject(ouratest.Rule{Path: "/v2/usercollection/heartrate", Times: 2, Fault: ouratest.RateLimited(time.Second)})
func (s *Server) Inject(rules ...Rule) error {
	for i, r := range rules {
		if err := r.validate(); err != nil {
			return fmt.Errorf("ouratest: rule %d: %w", i, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rules {
		s.rules = append(s.rules, &rule{Rule: r})
	}
	return nil
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// faultFor picks the fault of a request, if any. Called with s.mu held.
func (s *Server) faultFor(method, p string) (Fault, bool) {
	for i := 0; i < len(s.rules); i++ {
		r := s.rules[i]
		if !r.matches(method, p) {
			continue
		}
		r.seen++
		if r.seen <= r.After {
			continue
		}
		if r.Probability > 0 && !s.faultRNG.chance(r.Probability) {
			continue
		}
		r.applied++
		if r.Times > 0 && r.applied >= r.Times {
			s.rules = append(s.rules[:i:i], s.rules[i+1:]...)
		}
		return r.Fault, true
	}
	return Fault{}, false
}

// writeFault answers a request with the fault's status.
func (s *Server) writeFault(w http.ResponseWriter, f Fault, now time.Time, tier string) {
	h := w.Header()
	secs := int64((f.RetryAfter + time.Second - 1) / time.Second)
	if f.RetryAfter > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
		h.Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	switch f.Status {
	case http.StatusTooManyRequests:
		limit, window := 5000, 300
		if s.cfg.rateLimit > 0 {
			limit, window = s.cfg.rateLimit, int(s.cfg.rateWindow/time.Second)
		}
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		h.Set("X-RateLimit-Window", strconv.Itoa(window))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Unix()+secs, 10))
		h.Set("X-RateLimit-Tier", tier)
		writeJSON(w, f.Status, detail("Rate limit exceeded"))
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		h.Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		text := strconv.Itoa(f.Status) + " " + http.StatusText(f.Status)
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n</body>\r\n</html>\r\n", text, text)
	default:
		writeJSON(w, f.Status, detail(http.StatusText(f.Status)))
	}
}
