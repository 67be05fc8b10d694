package oura

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Every error the client returns for one of these conditions
// matches the sentinel with errors.Is.
var (
	// ErrUnauthorized: the access token is missing, expired, malformed or
	// revoked (HTTP 401 after one refresh), or the refresh token was refused.
	ErrUnauthorized = errors.New("oura: unauthorized")
	// ErrForbidden: the user did not consent to the data type's scope, or the
	// user's Oura membership has lapsed (HTTP 403). Retrying does not help.
	ErrForbidden = errors.New("oura: forbidden (missing scope or lapsed membership)")
	// ErrNotFound: the document or subscription does not exist (HTTP 404).
	ErrNotFound = errors.New("oura: not found")
	// ErrRateLimited: Oura answered 429; the error is also a [*RateLimitError].
	ErrRateLimited = errors.New("oura: rate limited")
	// ErrNotConfigured: the client lacks what the call needs, such as a token
	// source for user data or application credentials for webhooks.
	ErrNotConfigured = errors.New("oura: not configured")
	// ErrInvalidParam is wrapped by every [*ParamError].
	ErrInvalidParam = errors.New("oura: invalid parameter")
	// ErrCircuitOpen: recent requests failed with 5xx or network errors and
	// the circuit breaker refuses calls until its cool-down has passed.
	ErrCircuitOpen = errors.New("oura: circuit open (Oura looks down)")
	// ErrRepeatedToken: Oura returned a next_token it had already returned
	// during the same walk; following it would loop forever.
	ErrRepeatedToken = errors.New("oura: repeated next_token")
	// ErrStateMismatch: the OAuth2 state returned to the redirect URL is not
	// the one this application issued.
	ErrStateMismatch = errors.New("oura: oauth2 state mismatch")
)

// ParamError reports a bad argument before any request is sent. Param names
// the option field at fault.
type ParamError struct {
	Param  string // the option field, e.g. "EndDate"
	Reason string // why the value is refused
}

// Error implements error.
func (e *ParamError) Error() string { return "oura: invalid " + e.Param + ": " + e.Reason }

// Unwrap returns [ErrInvalidParam].
func (e *ParamError) Unwrap() error { return ErrInvalidParam }

// ValidationError is one entry of the detail list of an HTTP 422 answer.
type ValidationError struct {
	Loc  []any  `json:"loc"` // path to the offending input, strings and indexes
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// APIError is an error answer from Oura: any status outside 2xx.
type APIError struct {
	StatusCode int    // HTTP status code
	Method     string // request method
	Path       string // request path, without query (it may carry tokens of pagination)
	// Detail is Oura's explanation, from the "detail" field of the body when
	// it is a string, else a short excerpt of the body.
	Detail string
	// Validation lists the 422 validation errors, if any.
	Validation []ValidationError
	// RequestID is the request id Oura's edge returned, for support
	// tickets; empty unless the header held a safe id: 1 to 64 ASCII
	// letters, digits, '.', '_' or '-' (an id is never quoted as sent
	// when it is anything else).
	RequestID string
	// RetryAfter is the wait the Retry-After header asked for (Oura sends
	// it with 429 and 503 answers), zero when absent.
	RetryAfter time.Duration
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("oura: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Path + ": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	for i, v := range e.Validation {
		if i == 0 {
			b.WriteString(":")
		}
		fmt.Fprintf(&b, " %v %s;", v.Loc, v.Msg)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Is matches the sentinel of the status: 401 [ErrUnauthorized], 403
// [ErrForbidden], 404 [ErrNotFound], 429 [ErrRateLimited].
func (e *APIError) Is(target error) bool {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusTooManyRequests:
		return target == ErrRateLimited
	}
	return false
}

// redact replaces every non-empty secret in the error's text with
// [REDACTED].
func (e *APIError) redact(secrets []string) {
	e.Detail = redactSecrets(e.Detail, secrets)
	for i := range e.Validation {
		v := &e.Validation[i]
		v.Msg = redactSecrets(v.Msg, secrets)
		for j, l := range v.Loc {
			if s, ok := l.(string); ok {
				v.Loc[j] = redactSecrets(s, secrets)
			}
		}
	}
}

// redactSecrets replaces every non-empty secret in s with [REDACTED].
func redactSecrets(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// RateLimitError is a 429 answer with Oura's rate-limit headers decoded;
// RetryAfter comes from the embedded [*APIError]. errors.As also finds the
// *APIError, and the error matches [ErrRateLimited].
type RateLimitError struct {
	*APIError
	Limit  int           // X-RateLimit-Limit: the ceiling of the window
	Window time.Duration // X-RateLimit-Window: the length of the window
	Reset  time.Time     // X-RateLimit-Reset: when the quota is restored (zero when not sent)
	Tier   string        // X-RateLimit-Tier: which limit fired (token or application); empty unless a safe id, as RequestID
}

// Error implements error.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString(e.APIError.Error())
	if e.Tier != "" {
		b.WriteString("; tier " + e.Tier)
	}
	if e.Limit > 0 {
		fmt.Fprintf(&b, "; limit %d per %s", e.Limit, e.Window)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if !e.Reset.IsZero() {
		b.WriteString("; resets at " + e.Reset.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// Unwrap returns the underlying [*APIError].
func (e *RateLimitError) Unwrap() error { return e.APIError }

// maxErrorBody bounds how much of an error body is read and kept.
const maxErrorBody = 64 << 10

// CheckResponse returns nil for a 2xx response and an [*APIError] (or a
// [*RateLimitError] for 429) otherwise. body is the response body already
// read, or nil to read up to 64 KiB of resp.Body.
func CheckResponse(resp *http.Response, body []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	if body == nil && resp.Body != nil {
		var err error
		body, err = readLimited(resp.Body, maxErrorBody)
		if err != nil {
			body = nil
		}
	}
	e := &APIError{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header)}
	if resp.Request != nil && resp.Request.URL != nil {
		e.Method = resp.Request.Method
		e.Path = resp.Request.URL.Path
	}
	e.Detail, e.Validation = parseErrorBody(body)
	now := time.Now()
	e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	if resp.StatusCode != http.StatusTooManyRequests {
		return e
	}
	rl := &RateLimitError{APIError: e}
	if tier := resp.Header.Get("X-RateLimit-Tier"); safeID(tier) {
		rl.Tier = tier
	}
	if n, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-RateLimit-Limit"))); err == nil && n > 0 {
		rl.Limit = n
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("X-RateLimit-Window")), 10, 64); err == nil && n > 0 && n < 1<<31 {
		rl.Window = time.Duration(n) * time.Second
	}
	rl.Reset, _ = parseReset(resp.Header.Get("X-RateLimit-Reset"), now)
	return rl
}

// maxRequestID bounds the length of a request id the client keeps.
const maxRequestID = 64

// requestID returns the request id of a response from the headers Oura's
// edge is known to set, the first that is a safe id (see [safeID]). A
// header whose value is anything else (a line break, an escape sequence,
// text too long to be an id) is skipped: whatever a server or a proxy
// echoes in it never reaches an error message or a log. Of Google's
// X-Cloud-Trace-Context ("TRACE_ID/SPAN_ID;o=1") the trace id is kept.
func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Amzn-Requestid", "X-Amz-Cf-Id", "X-Cloud-Trace-Context"} {
		v := h.Get(k)
		if k == "X-Cloud-Trace-Context" {
			v, _, _ = strings.Cut(v, "/")
		}
		if safeID(v) {
			return v
		}
	}
	return ""
}

// safeID reports whether v is a short token that is safe to print: 1 to 64
// bytes of ASCII letters, digits, '.', '_' and '-', optionally ending in at
// most two '=' (the base64 padding of CloudFront's ids).
func safeID(v string) bool {
	if v == "" || len(v) > maxRequestID {
		return false
	}
	body := strings.TrimRight(v, "=")
	if body == "" || len(v)-len(body) > 2 {
		return false
	}
	for i := range len(body) {
		c := body[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// parseErrorBody extracts Oura's "detail" from an error body: a string, or the
// 422 list of validation errors. Anything else becomes a short excerpt.
func parseErrorBody(body []byte) (string, []ValidationError) {
	if len(body) == 0 {
		return "", nil
	}
	var env struct {
		Detail  json.RawMessage `json:"detail"`
		Message string          `json:"message"`
		Error   string          `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err == nil {
		var s string
		if json.Unmarshal(env.Detail, &s) == nil && s != "" {
			return s, nil
		}
		var list []ValidationError
		if json.Unmarshal(env.Detail, &list) == nil && len(list) > 0 {
			return "", list
		}
		if env.Message != "" {
			return env.Message, nil
		}
		if env.Error != "" {
			return env.Error, nil
		}
	}
	return excerpt(body, 200), nil
}

// excerpt returns at most n bytes of b as a single-line string.
func excerpt(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}
