package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket: Rate requests a second on average, Burst at
// once.
type Limit struct {
	Rate  rate.Limit
	Burst int
}

// Default limits.
var (
	// DefaultCallerLimit applies to every authenticated caller (a device, a
	// personal token, the admin token).
	DefaultCallerLimit = Limit{Rate: 20, Burst: 40}
	// DefaultAuthLimit applies per client address to the routes that take a
	// secret (refresh, pairing) and to every request whose token is
	// refused: a few a minute.
	DefaultAuthLimit = Limit{Rate: rate.Every(6 * time.Second), Burst: 10}
)

// DefaultLimiterKeys bounds the keys a limiter keeps.
const DefaultLimiterKeys = 10000

// limiter keeps one token bucket per key (a caller or an address), at most
// max of them: an idle bucket (full again) is forgotten, and when the map
// is full the buckets idle longest go first, so a flood of new keys cannot
// grow memory.
type limiter struct {
	limit Limit
	max   int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(l Limit, max int, now func() time.Time) *limiter {
	if max <= 0 {
		max = DefaultLimiterKeys
	}
	return &limiter{limit: l, max: max, now: now, buckets: map[string]*bucket{}}
}

// allow takes one token from key's bucket, or reports how long until one
// is there.
func (l *limiter) allow(key string) (ok bool, retry time.Duration) {
	if l.limit.Rate == rate.Inf {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.limit.Rate, l.limit.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// evict makes room: it drops every bucket that has refilled while idle,
// and when none has, the tenth of the buckets idle longest. The caller
// holds mu.
func (l *limiter) evict(now time.Time) {
	full := time.Duration(float64(l.limit.Burst)/float64(l.limit.Rate)*float64(time.Second)) + time.Second
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.max {
		return
	}
	oldest := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		oldest = append(oldest, b.seen)
	}
	cut := nth(oldest, len(oldest)/10)
	for k, b := range l.buckets {
		if !b.seen.After(cut) {
			delete(l.buckets, k)
		}
	}
}

// nth returns the n-th smallest of ts (quickselect; ts is reordered).
func nth(ts []time.Time, n int) time.Time {
	lo, hi := 0, len(ts)-1
	for lo < hi {
		p := ts[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for ts[i].Before(p) {
				i++
			}
			for ts[j].After(p) {
				j--
			}
			if i <= j {
				ts[i], ts[j] = ts[j], ts[i]
				i++
				j--
			}
		}
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return ts[n]
		}
	}
	return ts[n]
}

// size is how many buckets the limiter holds.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// clientIP is the address of the client: the connection's peer, or, when
// that peer is a trusted proxy, the last address in X-Forwarded-For that is
// not a trusted proxy.
func (a *API) clientIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	ip = ip.Unmap()
	if !a.trusted(ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip
		}
		hop = hop.Unmap()
		if !a.trusted(hop) {
			return hop
		}
		ip = hop
	}
	return ip
}

func (a *API) trusted(ip netip.Addr) bool {
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ipKey is the limiter key of an address: IPv6 addresses by their /64, so
// a client cannot step around its limit within its own prefix.
func ipKey(ip netip.Addr) string {
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
