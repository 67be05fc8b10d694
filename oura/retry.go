package oura

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of [RetryPolicy]. A zero field of a policy takes these.
const (
	DefaultMaxAttempts = 4
	DefaultMaxElapsed  = 2 * time.Minute
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 30 * time.Second
)

// RetryPolicy says how a failed call is retried. A call is retried on 429,
// on any 5xx and on network errors (including a body cut short); never on
// other statuses such as 400, 403, 404 or 422. A POST is retried only on 429
// and on failures to connect, so a subscription is never created twice.
//
// The wait before retry n is a backoff of BaseDelay·2^(n-1), capped at
// MaxDelay, with jitter (between half and all of it). When Oura says how long
// to wait, through Retry-After or X-RateLimit-Reset, the client waits that
// long instead. A retry whose wait would end after MaxElapsed is not made:
// the last error is returned at once; an attempt still running when
// MaxElapsed is spent is abandoned. A cancelled context ends the call at
// once, with the context's error.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included; 1 disables
	// retries. Zero means DefaultMaxAttempts (4).
	MaxAttempts int
	// MaxElapsed bounds the whole call, attempts and waits included. Zero
	// means DefaultMaxElapsed (2 minutes); negative means no bound.
	MaxElapsed time.Duration
	// BaseDelay is the first backoff. Zero means DefaultBaseDelay (500 ms).
	BaseDelay time.Duration
	// MaxDelay caps the backoff (not a wait Oura asks for). Zero means
	// DefaultMaxDelay (30 s).
	MaxDelay time.Duration
}

// DefaultRetryPolicy returns the policy a client uses unless told otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: DefaultMaxAttempts, MaxElapsed: DefaultMaxElapsed, BaseDelay: DefaultBaseDelay, MaxDelay: DefaultMaxDelay}
}

// NoRetry returns a policy that makes one attempt per call.
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 0:
		return &ParamError{Param: "RetryPolicy.MaxAttempts", Reason: "negative"}
	case p.BaseDelay < 0:
		return &ParamError{Param: "RetryPolicy.BaseDelay", Reason: "negative"}
	case p.MaxDelay < 0:
		return &ParamError{Param: "RetryPolicy.MaxDelay", Reason: "negative"}
	}
	return nil
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	return p
}

// backoff returns the un-jittered wait before retry n (n ≥ 1).
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n; i++ {
		d *= 2
		if d >= p.MaxDelay || d <= 0 {
			return p.MaxDelay
		}
	}
	return min(d, p.MaxDelay)
}

// retryDecision says whether err, from attempt n of r, is worth another
// attempt and how long to wait first.
func (c *Client) retryDecision(r *request, err error, n int, p RetryPolicy) (time.Duration, bool) {
	if n >= p.MaxAttempts {
		return 0, false
	}
	backoff := c.jitter(p.backoff(n))
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return serverWait(rl.RetryAfter, rl.Reset, c.now(), backoff), true
	}
	if r.method == http.MethodPost {
		// Only retry a POST when it surely did not reach Oura.
		var ne *NetworkError
		if errors.As(err, &ne) && isDialError(ne.Err) {
			return backoff, true
		}
		return 0, false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		if ae.StatusCode >= 500 {
			return serverWait(ae.RetryAfter, time.Time{}, c.now(), backoff), true
		}
		return 0, false
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return backoff, true
	}
	return 0, false
}

// maxServerWait is the longest wait Oura may ask for; a longer one is taken
// for a broken header and the backoff applies.
const maxServerWait = 24 * time.Hour

// serverWait returns the wait Oura asked for, or backoff when it did not. A
// reset that is not ahead of now (the window ended, or the clocks differ)
// says nothing about when to retry, so it backs off rather than retrying at
// once into another 429.
func serverWait(retryAfter time.Duration, reset, now time.Time, backoff time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	if d := reset.Sub(now); !reset.IsZero() && d > 0 && d <= maxServerWait {
		return d
	}
	return backoff
}

// isDialError reports whether a transport error happened before the request
// was written: the connection was never made.
func isDialError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || n > int64(maxServerWait/time.Second) {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := max(t.Sub(now), 0)
		if d > maxServerWait {
			return 0, false
		}
		return d, true
	}
	return 0, false
}

// epochFloor separates the two readings of X-RateLimit-Reset: Unix seconds
// (Oura's) are above it for any date since 2001; a smaller positive number is
// taken as seconds from now, as some gateways send it.
const epochFloor = 1_000_000_000

// parseReset reads X-RateLimit-Reset: the Unix time (seconds) the window
// ends, or seconds from now when the number is too small to be a date.
func parseReset(v string, now time.Time) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil || n <= 0 || n > 1<<40:
		return time.Time{}, false
	case n < epochFloor:
		return now.Add(time.Duration(n) * time.Second), true
	}
	return time.Unix(n, 0), true
}

// sleepCtx waits d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// equalJitter returns a random duration between d/2 and d.
func equalJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
