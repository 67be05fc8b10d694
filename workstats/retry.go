package workstats

import (
	"context"
	"errors"
	"math/rand/v2"
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
	// DefaultTimeout bounds one HTTP attempt of the default HTTP client.
	DefaultTimeout = 30 * time.Second
)

// RetryPolicy says how a failed request is retried: on 429, on any 5xx, on
// a network error and on a body cut short; never on other statuses (400,
// 401, 403, 404, 410). Every request of the work-life sources reads, so
// every such failure may be retried.
//
// The wait before retry n is BaseDelay·2^(n-1), capped at MaxDelay, with
// jitter (a random wait between half and all of it). When the server says
// how long to wait with Retry-After (seconds or an HTTP date, at most a
// day), that wait is taken instead. A retry whose wait would end after
// MaxElapsed is not made: the last error is returned at once; an attempt
// still running when MaxElapsed is spent is abandoned. A cancelled context
// ends the call at once with the context's error.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included; 1
	// disables retries. Zero means DefaultMaxAttempts (4).
	MaxAttempts int `json:"max_attempts,omitempty"`
	// MaxElapsed bounds the whole call, attempts and waits included. Zero
	// means DefaultMaxElapsed (2 minutes); negative means no bound.
	MaxElapsed time.Duration `json:"max_elapsed,omitempty"`
	// BaseDelay is the first backoff. Zero means DefaultBaseDelay (500 ms).
	BaseDelay time.Duration `json:"base_delay,omitempty"`
	// MaxDelay caps the backoff (not a wait the server asks for). Zero
	// means DefaultMaxDelay (30 s).
	MaxDelay time.Duration `json:"max_delay,omitempty"`
}

// DefaultRetryPolicy returns the policy a fetcher uses unless told
// otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: DefaultMaxAttempts, MaxElapsed: DefaultMaxElapsed, BaseDelay: DefaultBaseDelay, MaxDelay: DefaultMaxDelay}
}

// NoRetry returns a policy that makes one attempt per call.
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

// Validate refuses negative counts and delays; the error matches
// lifeops.ErrInvalid.
func (p RetryPolicy) Validate() error {
	switch {
	case p.MaxAttempts < 0:
		return invalidf("retry.max_attempts", "must not be negative, got %d", p.MaxAttempts)
	case p.BaseDelay < 0:
		return invalidf("retry.base_delay", "must not be negative, got %s", p.BaseDelay)
	case p.MaxDelay < 0:
		return invalidf("retry.max_delay", "must not be negative, got %s", p.MaxDelay)
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

// backoff returns the wait before retry n (n ≥ 1), without jitter.
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

// retryWait says whether err, from attempt n, is worth another attempt, and
// how long to wait first.
func retryWait(err error, n int, p RetryPolicy, jitter func(time.Duration) time.Duration) (time.Duration, bool) {
	if n >= p.MaxAttempts || errors.Is(err, ErrCircuitOpen) {
		return 0, false
	}
	backoff := jitter(p.backoff(n))
	var se *StatusError
	if errors.As(err, &se) {
		if se.Status == http.StatusTooManyRequests || se.Status >= 500 {
			if se.RetryAfter > 0 {
				return se.RetryAfter, true
			}
			return backoff, true
		}
		return 0, false
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return backoff, true
	}
	return 0, false
}

// maxServerWait is the longest wait a server may ask for; a longer one is
// taken for a broken header and the backoff applies.
const maxServerWait = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || n > int64(maxServerWait/time.Second) {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 && d <= maxServerWait {
			return d
		}
	}
	return 0
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
