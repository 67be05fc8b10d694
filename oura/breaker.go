package oura

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the client-side protections.
const (
	// DefaultRateLimit is 4500 requests per 5 minutes, leaving room below
	// Oura's 5000 for DefaultRateBurst: no 5-minute window can hold more than
	// 4500 + 100 requests.
	DefaultRateLimit = rate.Limit(4500.0 / 300.0)
	// DefaultRateBurst is how many requests may go out at once.
	DefaultRateBurst = 100
	// DefaultBreakerThreshold is how many consecutive 5xx or network failures
	// open the circuit.
	DefaultBreakerThreshold = 5
	// DefaultBreakerCooldown is how long an open circuit refuses calls before
	// it lets one probe through.
	DefaultBreakerCooldown = 30 * time.Second
)

// NewRateLimiter returns a limiter at [DefaultRateLimit] and
// [DefaultRateBurst], to share between the clients of one application with
// [WithRateLimiter].
func NewRateLimiter() *rate.Limiter { return rate.NewLimiter(DefaultRateLimit, DefaultRateBurst) }

// CircuitBreaker fails calls fast while Oura is down. After Threshold
// consecutive attempts fail with a 5xx or a network error it opens: every
// attempt fails at once with [ErrCircuitOpen] until Cooldown has passed. Then
// it lets one probe through; a probe that succeeds closes it, one that fails
// opens it again for another cool-down. Any answer below 500 (a 404 or a 429
// included) counts as success: Oura is up. Attempts that were let through
// before the circuit opened and end later do not count: only the probe
// decides. It is safe for concurrent use and may be shared between clients.
type CircuitBreaker struct {
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	state    breakerState
	failures int
	openedAt time.Time
	probing  bool
	gen      uint64 // how many times the circuit has opened
}

type breakerState int

const (
	breakerClosed breakerState = iota
	breakerOpen
	breakerHalfOpen
)

// outcome is what one attempt tells the breaker.
type outcome int

const (
	outcomeNeutral outcome = iota // says nothing about Oura's health (cancelled, refused locally)
	outcomeSuccess
	outcomeFailure
)

// ticket is what allow gives an attempt and done takes back: whether it is
// the probe, and which closed period of the circuit let it through.
type ticket struct {
	gen   uint64
	probe bool
}

// NewCircuitBreaker returns a closed breaker. A threshold below 1 is taken
// as 1 and a negative cool-down as zero.
func NewCircuitBreaker(threshold int, cooldown time.Duration) *CircuitBreaker {
	return &CircuitBreaker{threshold: max(threshold, 1), cooldown: max(cooldown, 0)}
}

// State returns "closed", "open" or "half-open".
func (b *CircuitBreaker) State() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return [...]string{"closed", "open", "half-open"}[b.state]
}

// allow reports whether an attempt may go out at now; the attempt hands the
// ticket back to done.
func (b *CircuitBreaker) allow(now time.Time) (ticket, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case breakerOpen:
		if wait := b.openedAt.Add(b.cooldown).Sub(now); wait > 0 {
			return ticket{}, fmt.Errorf("%w: next probe in %s", ErrCircuitOpen, wait.Round(time.Millisecond))
		}
		b.state = breakerHalfOpen
	case breakerClosed:
		return ticket{gen: b.gen}, nil
	}
	if b.probing {
		return ticket{}, fmt.Errorf("%w: a probe is in flight", ErrCircuitOpen)
	}
	b.probing = true
	return ticket{gen: b.gen, probe: true}, nil
}

// done records the outcome of an attempt that allow let through.
func (b *CircuitBreaker) done(t ticket, o outcome, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.probe {
		b.probing = false
		switch o {
		case outcomeSuccess:
			b.state, b.failures = breakerClosed, 0
		case outcomeFailure:
			b.open(now)
		}
		return
	}
	if b.state != breakerClosed || t.gen != b.gen {
		return // sent before the circuit last opened
	}
	switch o {
	case outcomeSuccess:
		b.failures = 0
	case outcomeFailure:
		if b.failures++; b.failures >= b.threshold {
			b.open(now)
		}
	}
}

// open opens the circuit at now. Called with b.mu held.
func (b *CircuitBreaker) open(now time.Time) {
	b.state, b.openedAt, b.failures = breakerOpen, now, 0
	b.gen++
}
