package api

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// RequestIDFrom returns the request id of ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// SafeRequestID reports whether id may be taken from a request as its id:
// 1 to 64 ASCII letters, digits, '.', '_' or '-'. Anything else (a line
// break, an escape sequence, a long text) is replaced by a new id.
func SafeRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newRequestID returns a random id of 26 characters.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// RequestIDTransport passes the request id of each request's context on
// as X-Request-ID, so the calls a request makes (to Oura) carry its id.
type RequestIDTransport struct {
	Base http.RoundTripper // nil means http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (t RequestIDTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if id := RequestIDFrom(r.Context()); id != "" && r.Header.Get("X-Request-ID") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("X-Request-ID", id)
	}
	return base.RoundTrip(r)
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// principalKey is the context key of the authenticated caller, which the
// access log reads after the handler ran.
type principalKey struct{}

// slot is where the auth step leaves the caller for the access log.
type slot struct{ p *principal }

// outer wraps the whole handler: the request id, security headers, the
// access log and metrics (labelled by the matched route pattern), and
// recovery from a panic (a 500, logged with the stack, never shown).
func (a *API) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !SafeRequestID(id) {
			id = newRequestID()
		}
		sl := &slot{}
		ctx := context.WithValue(WithRequestID(r.Context(), id), principalKey{}, sl)
		r = r.WithContext(ctx)
		h := w.Header()
		h.Set("X-Request-ID", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.LogAttrs(ctx, slog.LevelError, "panic", slog.String("request_id", id),
					slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					a.writeProblem(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			attrs := []slog.Attr{
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
				slog.String("path", r.URL.Path), slog.Int("status", status), slog.Int64("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.String("ip", a.clientIP(r).String()),
			}
			if p := sl.p; p != nil {
				if p.user != uuid.Nil {
					attrs = append(attrs, slog.String("user_id", p.user.String()))
				}
				attrs = append(attrs, slog.String("auth", p.kind))
			}
			a.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
			if a.metrics != nil {
				a.metrics.observe(route, strconv.Itoa(status), d)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}
