package workstats

import (
	"fmt"
	"sync"
	"time"
)

// Defaults of the circuit breaker.
const (
	// DefaultBreakerThreshold is how many consecutive 5xx or network
	// failures open the circuit.
	DefaultBreakerThreshold = 5
	// DefaultBreakerCooldown is how long an open circuit refuses calls
	// before it lets one probe through.
	DefaultBreakerCooldown = 30 * time.Second
)

// CircuitBreaker fails requests fast while a server is down. After
// Threshold consecutive attempts fail with a 5xx or a network error it
// opens: every attempt fails at once with [ErrCircuitOpen] until Cooldown
// has passed. Then it lets one probe through; a probe that succeeds closes
// it, one that fails opens it again for another cool-down. Any answer below
// 500 (a 404 or a 429 included) counts as success: the server is up. An
// attempt that ends because its caller gave up counts neither way, and
// attempts let through before the circuit opened that end later do not
// count: only the probe decides. Safe for concurrent use.
//
// A [Fetcher] keeps one breaker per host, so one person's unreachable
// ActivityWatch or one calendar provider's outage does not stop the others.
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
	outcomeNeutral outcome = iota // says nothing about the server (cancelled, refused locally)
	outcomeSuccess
	outcomeFailure
)

// ticket is what allow gives an attempt and done takes back.
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

// allow reports whether an attempt may go out at now.
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
		return // no verdict: the circuit stays half-open and the next attempt probes

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

// maxBreakers bounds how many hosts a fetcher keeps a breaker for; past it
// the breakers of hosts not asked for longest are dropped.
const maxBreakers = 4096

// breakers keeps one circuit breaker per host.
type breakers struct {
	threshold int
	cooldown  time.Duration

	mu    sync.Mutex
	byKey map[string]*breakerEntry
	tick  uint64
}

type breakerEntry struct {
	b    *CircuitBreaker
	used uint64
}

// get returns the breaker of host, creating it closed.
func (s *breakers) get(host string) *CircuitBreaker {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick++
	if e, ok := s.byKey[host]; ok {
		e.used = s.tick
		return e.b
	}
	if s.byKey == nil {
		s.byKey = map[string]*breakerEntry{}
	}
	if len(s.byKey) >= maxBreakers {
		s.evict()
	}
	b := NewCircuitBreaker(s.threshold, s.cooldown)
	s.byKey[host] = &breakerEntry{b: b, used: s.tick}
	return b
}

// evict drops the older half of the breakers. Called with s.mu held.
func (s *breakers) evict() {
	cut := s.tick - uint64(len(s.byKey)/2)
	for k, e := range s.byKey {
		if e.used < cut {
			delete(s.byKey, k)
		}
	}
}
