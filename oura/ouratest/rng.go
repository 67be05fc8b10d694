package ouratest

import "math/bits"

// rng is a small deterministic generator (SplitMix64). Its output depends only
// on its seed, never on the Go release or the platform, so the same seed gives
// the same bytes everywhere. It never uses transcendental functions.
type rng struct{ state uint64 }

const golden = 0x9e3779b97f4a7c15

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hashKey derives a well-mixed key from its parts, in order.
func hashKey(parts ...uint64) uint64 {
	h := uint64(0x6a09e667f3bcc909)
	for _, p := range parts {
		h = mix64(h ^ (p + golden))
	}
	return h
}

// strKey hashes a string (FNV-1a, then mixed).
func strKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

func newRNG(parts ...uint64) rng { return rng{state: hashKey(parts...)} }

func (r *rng) next() uint64 {
	r.state += golden
	return mix64(r.state)
}

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a value in [lo, hi], both inclusive.
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// norm returns an approximately normal value with mean 0 and deviation 1
// (the Irwin-Hall sum of three uniforms, rescaled): bounded to ±3.
func (r *rng) norm() float64 { return (r.float() + r.float() + r.float() - 1.5) * 2 }

// pick returns one of the choices.
func pick[T any](r *rng, choices ...T) T { return choices[r.intn(len(choices))] }

// unitAt is a stateless uniform value in [0, 1) for a key.
func unitAt(parts ...uint64) float64 { return float64(hashKey(parts...)>>11) / (1 << 53) }
