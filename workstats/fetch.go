package workstats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// DefaultMaxBody is the largest answer a [Fetcher] reads unless told
// otherwise: 64 MiB.
const DefaultMaxBody = 64 << 20

// FetcherConfig configures [NewFetcher]. The zero value works: its own HTTP
// client with [DefaultTimeout] per attempt, the default retry policy, a
// circuit breaker per host with the default threshold and cool-down, and
// a silent logger.
type FetcherConfig struct {
	// Source names the adapter in errors and logs, e.g. "activitywatch".
	Source string
	// HTTPClient sends every attempt; its Timeout bounds one attempt.
	// Nil means a client of the fetcher's own (never
	// http.DefaultClient) with DefaultTimeout.
	HTTPClient *http.Client
	// Retry is the retry policy; the zero value is DefaultRetryPolicy.
	Retry RetryPolicy
	// BreakerThreshold and BreakerCooldown configure the circuit breaker
	// of each host; zero means the defaults, a negative threshold turns
	// the breakers off.
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// MaxBody bounds an answer's body; zero means DefaultMaxBody.
	MaxBody int64
	// Logger receives a debug line per attempt, an info line per retry
	// and a warning when the fetcher gives up; never a secret or a query
	// string. Nil discards.
	Logger *slog.Logger
	// UserAgent is sent with every request.
	UserAgent string

	// Now, Sleep and Jitter replace the clock, the wait between attempts
	// and the jitter of the backoff in tests; nil means the real ones.
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(d time.Duration) time.Duration
}

// Fetcher reads HTTP resources for the work-life sources with the
// resilience of the Oura client: a timeout per attempt, retries with
// exponential backoff and jitter on transient failures honouring
// Retry-After, a budget for the whole call, a circuit breaker per host, a
// bound on the body, conditional requests, and errors that never carry the
// URL (a calendar's URL is its password). Safe for concurrent use.
type Fetcher struct {
	source    string
	hc        *http.Client
	retry     RetryPolicy
	breakers  *breakers
	maxBody   int64
	logger    *slog.Logger
	userAgent string
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error
	jitter    func(d time.Duration) time.Duration
}

// NewFetcher returns a fetcher configured by cfg, or a validation error
// for a bad retry policy.
func NewFetcher(cfg FetcherConfig) (*Fetcher, error) {
	if err := cfg.Retry.Validate(); err != nil {
		return nil, err
	}
	f := &Fetcher{
		source:    cfg.Source,
		hc:        cfg.HTTPClient,
		retry:     cfg.Retry.withDefaults(),
		maxBody:   cfg.MaxBody,
		logger:    cfg.Logger,
		userAgent: cfg.UserAgent,
		now:       cfg.Now,
		sleep:     cfg.Sleep,
		jitter:    cfg.Jitter,
	}
	if f.source == "" {
		f.source = "workstats"
	}
	if f.hc == nil {
		f.hc = &http.Client{Timeout: DefaultTimeout, Transport: newTransport()}
	}
	f.hc = noRedirectLeak(f.hc)
	if cfg.BreakerThreshold >= 0 {
		th, cd := cfg.BreakerThreshold, cfg.BreakerCooldown
		if th == 0 {
			th = DefaultBreakerThreshold
		}
		if cd == 0 {
			cd = DefaultBreakerCooldown
		}
		f.breakers = &breakers{threshold: th, cooldown: cd}
	}
	if f.maxBody <= 0 {
		f.maxBody = DefaultMaxBody
	}
	if f.logger == nil {
		f.logger = slog.New(slog.DiscardHandler)
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.sleep == nil {
		f.sleep = sleepCtx
	}
	if f.jitter == nil {
		f.jitter = equalJitter
	}
	return f, nil
}

// Breaker returns the circuit breaker of host (host[:port]), or nil when
// the fetcher has none.
func (f *Fetcher) Breaker(host string) *CircuitBreaker {
	if f.breakers == nil {
		return nil
	}
	return f.breakers.get(host)
}

// Request is one GET.
type Request struct {
	URL *url.URL
	// Target names the request in errors and logs instead of the URL,
	// which may hold a secret: "GET /api/0/buckets/", say. Empty means
	// "GET scheme://host/…".
	Target string
	// Header holds extra headers (Accept, If-None-Match,
	// If-Modified-Since).
	Header http.Header
	// Secrets are values an error answer might quote back (the URL's
	// path and query, a token); they are replaced by [REDACTED] in
	// [StatusError.Detail].
	Secrets []string
}

// Response is a 2xx or 304 answer, its body read whole.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Attempts int
}

// Get sends r, retrying as the policy allows, and returns the answer when
// it is a 2xx or a 304 (Not Modified, for a conditional request). Any
// other answer is a [*StatusError]; a failure to reach the server or read
// its answer whole a [*NetworkError]; a body over the limit matches
// [ErrTooLarge]; a request refused by the breaker matches
// [ErrCircuitOpen]. A cancelled context ends the call with an error that
// matches the context's error.
func (f *Fetcher) Get(ctx context.Context, r *Request) (*Response, error) {
	if r == nil || r.URL == nil || (r.URL.Scheme != "http" && r.URL.Scheme != "https") || r.URL.Host == "" {
		return nil, invalidf("url", "must be an absolute http or https URL")
	}
	target := r.Target
	if target == "" {
		target = "GET " + r.URL.Scheme + "://" + r.URL.Host + "/…"
	}
	pol := f.retry
	start := f.now()
	callCtx := ctx
	if pol.MaxElapsed > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, pol.MaxElapsed)
		defer cancel()
	}
	var lastErr error
	attempts := 0
	stopped := func() (*Response, error) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", f.source, target, err)
		}
		f.logger.LogAttrs(ctx, slog.LevelWarn, f.source+": giving up, retry budget spent",
			slog.String("target", target), slog.Int("attempts", attempts), slog.Any("error", lastErr))
		if lastErr != nil {
			return nil, lastErr
		}
		return nil, &NetworkError{Source: f.source, Target: target, Err: fmt.Errorf("no answer within the retry budget of %s", pol.MaxElapsed)}
	}
	for n := 1; ; n++ {
		if callCtx.Err() != nil {
			return stopped()
		}
		attempts++
		resp, err := f.attempt(callCtx, r, target, n)
		if err == nil {
			resp.Attempts = attempts
			return resp, nil
		}
		if callCtx.Err() != nil {
			return stopped()
		}
		if errors.Is(err, ErrCircuitOpen) && lastErr != nil {
			// The circuit opened during this call: say why as well.
			err = fmt.Errorf("%w; the attempt before: %w", err, lastErr)
		}
		lastErr = err
		wait, retry := retryWait(err, n, pol, f.jitter)
		if !retry {
			return nil, err
		}
		if pol.MaxElapsed > 0 && f.now().Add(wait).Sub(start) > pol.MaxElapsed {
			f.logger.LogAttrs(ctx, slog.LevelWarn, f.source+": giving up, retry budget spent",
				slog.String("target", target), slog.Int("attempts", attempts), slog.Any("error", err))
			return nil, err
		}
		f.logger.LogAttrs(ctx, slog.LevelInfo, f.source+": retrying",
			slog.String("target", target), slog.Int("attempt", n), slog.Duration("wait", wait), slog.Any("error", err))
		if err := f.sleep(callCtx, wait); err != nil {
			return stopped()
		}
	}
}

// attempt makes one HTTP attempt: breaker, send, read.
func (f *Fetcher) attempt(ctx context.Context, r *Request, target string, n int) (*Response, error) {
	o := outcomeNeutral
	if f.breakers != nil {
		b := f.breakers.get(r.URL.Host)
		tk, err := b.allow(f.now())
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", f.source, target, err)
		}
		defer func() { b.done(tk, o, f.now()) }()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL.String(), nil)
	if err != nil {
		return nil, invalidf("url", "cannot be requested: %s", sanitize(err, r).Error())
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if f.userAgent != "" {
		req.Header.Set("User-Agent", f.userAgent)
	}
	began := f.now()
	hres, err := f.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrPrivateAddress) {
			// Refused before a byte was sent: the person's address, not
			// the server, is at fault, and trying again changes nothing.
			return nil, &lifeops.Error{Code: lifeops.CodeInvalid, Message: "The address " + r.URL.Hostname() + " is not public; LifeOps reads only public addresses here.",
				Err: fmt.Errorf("%s: %s: %w", f.source, target, ErrPrivateAddress)}
		}
		o = outcomeFailure
		return nil, &NetworkError{Source: f.source, Target: target, Err: sanitize(err, r)}
	}
	body, rerr := readBody(hres, f.maxBody)
	_ = hres.Body.Close()
	f.logger.LogAttrs(ctx, slog.LevelDebug, f.source+": request",
		slog.String("target", target), slog.Int("status", hres.StatusCode), slog.Int("attempt", n),
		slog.Duration("duration", f.now().Sub(began)), slog.Int("bytes", len(body)))
	if errors.Is(rerr, ErrTooLarge) {
		o = outcomeSuccess
		return nil, fmt.Errorf("%s: %s: %w", f.source, target, rerr)
	}
	if rerr != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		o = outcomeFailure
		return nil, &NetworkError{Source: f.source, Target: target, Err: sanitize(rerr, r)}
	}
	if hres.StatusCode >= 500 {
		o = outcomeFailure
	} else {
		o = outcomeSuccess
	}
	if (hres.StatusCode >= 200 && hres.StatusCode <= 299) || hres.StatusCode == http.StatusNotModified {
		return &Response{Status: hres.StatusCode, Header: hres.Header, Body: body}, nil
	}
	return nil, &StatusError{
		Source:     f.source,
		Status:     hres.StatusCode,
		Target:     target,
		Detail:     redactAll(excerpt(body, 200), secretsOf(r)),
		RetryAfter: parseRetryAfter(hres.Header.Get("Retry-After"), f.now()),
	}
}

// redacted is what every secret prints as.
const redacted = "[REDACTED]"

// secretsOf returns the values of r an answer might quote: the given
// secrets, the URL whole, its path and its query.
// When the caller gave a Target, the URL is not secret and only the
// given secrets are.
func secretsOf(r *Request) []string {
	if r.Target != "" {
		return r.Secrets
	}
	return append([]string{r.URL.String(), r.URL.RawQuery, r.URL.EscapedPath(), r.URL.Path}, r.Secrets...)
}

// redactAll replaces every secret of length 4 or more in s.
func redactAll(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// sanitize drops the URL from a transport error, keeping the cause, and
// redacts what is left.
func sanitize(err error, r *Request) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	if msg := err.Error(); redactAll(msg, secretsOf(r)) != msg {
		return errors.New(redactAll(msg, secretsOf(r)))
	}
	return err
}

// excerpt returns at most n bytes of b as one line.
func excerpt(b []byte, n int) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(b[:min(len(b), 4*n)]), "?"))
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}

// noRedirectLeak returns a copy of hc that follows at most 5 redirects and
// only within http and https.
func noRedirectLeak(hc *http.Client) *http.Client {
	cp := *hc
	check := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return errors.New("redirected to a scheme other than http or https")
		}
		if check != nil {
			return check(req, via)
		}
		if len(via) >= 5 {
			return errors.New("stopped after 5 redirects")
		}
		return nil
	}
	return &cp
}

// newTransport returns a transport of the fetcher's own, configured like
// http.DefaultTransport but not shared with it.
func newTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConns: 100,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second}
}

// readBody reads a whole body up to limit bytes.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes announced, at most %d read", ErrTooLarge, resp.ContentLength, limit)
	}
	if n := resp.ContentLength; n > 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(resp.Body, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return buf.Bytes(), nil
}
