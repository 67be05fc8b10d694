package oura

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestCircuitBreaker_States(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	b := NewCircuitBreaker(3, 30*time.Second)
	step := func(at time.Time, o outcome) error {
		tk, err := b.allow(at)
		if err != nil {
			return err
		}
		b.done(tk, o, at)
		return nil
	}
	// Two failures, a success: the count starts over.
	for _, o := range []outcome{outcomeFailure, outcomeFailure, outcomeSuccess, outcomeFailure, outcomeFailure} {
		if err := step(t0, o); err != nil {
			t.Fatal(err)
		}
	}
	if b.State() != "closed" {
		t.Fatalf("state = %s after 2 consecutive failures", b.State())
	}
	if err := step(t0, outcomeFailure); err != nil {
		t.Fatal(err)
	}
	if b.State() != "open" {
		t.Fatalf("state = %s after 3 consecutive failures", b.State())
	}
	if _, err := b.allow(t0.Add(29 * time.Second)); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("during cool-down: err = %v", err)
	}
	// After the cool-down one probe goes; others wait for it.
	probe, err := b.allow(t0.Add(30 * time.Second))
	if err != nil {
		t.Fatalf("probe refused: %v", err)
	}
	if b.State() != "half-open" {
		t.Errorf("state = %s", b.State())
	}
	if _, err := b.allow(t0.Add(30 * time.Second)); !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("a second probe went through: %v", err)
	}
	// The probe fails: open again for a full cool-down.
	b.done(probe, outcomeFailure, t0.Add(31*time.Second))
	if _, err := b.allow(t0.Add(60 * time.Second)); !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("reopened circuit let a call through: %v", err)
	}
	// A probe that is cancelled says nothing: the next call probes again.
	if probe, err = b.allow(t0.Add(61 * time.Second)); err != nil {
		t.Fatal(err)
	}
	b.done(probe, outcomeNeutral, t0.Add(61*time.Second))
	if probe, err = b.allow(t0.Add(62 * time.Second)); err != nil {
		t.Fatalf("after a neutral probe: %v", err)
	}
	b.done(probe, outcomeSuccess, t0.Add(62*time.Second))
	if b.State() != "closed" {
		t.Errorf("state = %s after a good probe", b.State())
	}
	if nb := NewCircuitBreaker(0, -1); nb.threshold != 1 || nb.cooldown != 0 {
		t.Errorf("NewCircuitBreaker(0, -1) = %d, %s", nb.threshold, nb.cooldown)
	}
}

// TestCircuitBreaker_StaleOutcomes: attempts let through before the circuit
// opened may end while a probe is in flight. What they report is old news
// and must leave the probe alone: not let a second probe through, not close
// the circuit, not open it again.
func TestCircuitBreaker_StaleOutcomes(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, o := range []outcome{outcomeNeutral, outcomeSuccess, outcomeFailure} {
		b := NewCircuitBreaker(1, 30*time.Second)
		slow, err := b.allow(t0) // sent while closed, answers late
		if err != nil {
			t.Fatal(err)
		}
		fast, _ := b.allow(t0)
		b.done(fast, outcomeFailure, t0) // opens the circuit
		probe, err := b.allow(t0.Add(30 * time.Second))
		if err != nil || b.State() != "half-open" {
			t.Fatalf("probe: %v, state %s", err, b.State())
		}
		b.done(slow, o, t0.Add(31*time.Second))
		if b.State() != "half-open" {
			t.Errorf("stale outcome %d moved a half-open circuit to %s", o, b.State())
		}
		if _, err := b.allow(t0.Add(31 * time.Second)); !errors.Is(err, ErrCircuitOpen) {
			t.Errorf("after stale outcome %d a second probe went through: %v", o, err)
		}
		b.done(probe, outcomeSuccess, t0.Add(32*time.Second))
		if b.State() != "closed" {
			t.Errorf("after a good probe: state %s", b.State())
		}
	}
}

func TestClient_BreakerFailsFastWhileOuraIsDown(t *testing.T) {
	t.Parallel()
	br := NewCircuitBreaker(2, time.Minute)
	b := setup(t, WithCircuitBreaker(br), WithRetryPolicy(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second}))
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	b.client.now = func() time.Time { return time.Unix(0, clock.Load()) }
	n := scripted(t, b, "/v2/usercollection/sleep", reply{status: 503}, reply{status: 503}, reply{status: 200, body: `{"data":[],"next_token":null}`})
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	if !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("err = %v, want ErrCircuitOpen", err)
	}
	if n.Load() != 2 {
		t.Errorf("requests = %d, want 2 before the circuit opened", n.Load())
	}
	// While open, calls fail without a request.
	if _, _, err := b.client.Sleep.List(t.Context(), nil); !errors.Is(err, ErrCircuitOpen) || n.Load() != 2 {
		t.Errorf("open circuit: err = %v, requests %d", err, n.Load())
	}
	// After the cool-down the probe succeeds and the circuit closes.
	clock.Add(int64(time.Minute))
	if _, _, err := b.client.Sleep.List(t.Context(), nil); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if br.State() != "closed" || n.Load() != 3 {
		t.Errorf("state %s, requests %d", br.State(), n.Load())
	}
}

func TestClient_RateLimiterIsApplied(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRateLimit(rate.Every(time.Hour), 1))
	n := scripted(t, b, "/v2/usercollection/sleep", reply{status: 200, body: `{"data":[],"next_token":null}`})
	if _, _, err := b.client.Sleep.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	// The bucket is empty for an hour: a call whose deadline comes sooner
	// fails at once instead of waiting for it, and sends nothing.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	began := time.Now()
	_, _, err := b.client.Sleep.List(ctx, nil)
	if err == nil || time.Since(began) > 10*time.Second {
		t.Fatalf("err = %v after %s; want a limiter refusal at once", err, time.Since(began))
	}
	if n.Load() != 1 {
		t.Errorf("requests = %d, want 1", n.Load())
	}
	// A shared limiter is shared.
	shared := rate.NewLimiter(rate.Every(time.Hour), 1)
	c1 := setup(t, WithRateLimiter(shared))
	c2 := setup(t, WithRateLimiter(shared))
	scripted(t, c1, "/v2/usercollection/sleep", reply{status: 200, body: `{"data":[],"next_token":null}`})
	n2 := scripted(t, c2, "/v2/usercollection/sleep", reply{status: 200, body: `{"data":[],"next_token":null}`})
	if _, _, err := c1.client.Sleep.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(t.Context(), time.Second)
	defer cancel2()
	if _, _, err := c2.client.Sleep.List(ctx2, nil); err == nil || n2.Load() != 0 {
		t.Errorf("second client with the shared limiter: err = %v, requests %d", err, n2.Load())
	}
	if NewRateLimiter().Limit() != DefaultRateLimit {
		t.Error("NewRateLimiter does not use the default")
	}
}
