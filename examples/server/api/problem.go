package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// Problem is an error response: RFC 9457 problem details, served as
// application/problem+json.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	Code      string       `json:"code"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError is one field a request got wrong.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// problemKind is one row of the status table.
type problemKind struct {
	status int
	title  string
}

// The codes of the API's own errors, beside the lifeops codes.
const (
	codeStale       = "stale"              // If-Match names an old version
	codeTooLarge    = "too_large"          // the body is over the limit
	codeRateLimited = "rate_limited"       // too many requests
	codeForbidden   = "forbidden"          // the token may not do this
	codeMediaType   = "unsupported_media"  // not JSON
	codeMethod      = "method_not_allowed" // the path has no such method
)

// statuses is the one table from error codes to HTTP statuses.
var statuses = map[string]problemKind{
	string(lifeops.CodeInvalid):      {http.StatusBadRequest, "Invalid request"},
	string(lifeops.CodeNotFound):     {http.StatusNotFound, "Not found"},
	string(lifeops.CodeConflict):     {http.StatusConflict, "Conflict"},
	string(lifeops.CodeUnauthorized): {http.StatusUnauthorized, "Unauthorized"},
	string(lifeops.CodeUnavailable):  {http.StatusServiceUnavailable, "Unavailable"},
	string(lifeops.CodeInternal):     {http.StatusInternalServerError, "Internal error"},
	codeStale:                        {http.StatusPreconditionFailed, "Precondition failed"},
	codeTooLarge:                     {http.StatusRequestEntityTooLarge, "Request too large"},
	codeRateLimited:                  {http.StatusTooManyRequests, "Too many requests"},
	codeForbidden:                    {http.StatusForbidden, "Forbidden"},
	codeMediaType:                    {http.StatusUnsupportedMediaType, "Unsupported media type"},
	codeMethod:                       {http.StatusMethodNotAllowed, "Method not allowed"},
}

// codeOf gives the status-table code of err: stale for a *StaleError,
// too_large for an over-long body, else the lifeops code.
func codeOf(err error) string {
	var mb *http.MaxBytesError
	switch {
	case errors.Is(err, lifeops.ErrStale):
		return codeStale
	case errors.As(err, &mb):
		return codeTooLarge
	}
	var pe *apiError
	if errors.As(err, &pe) {
		return pe.code
	}
	return string(lifeops.ErrorCode(err))
}

// apiError is an error of the HTTP layer itself, with a code of the status
// table and a message safe to show.
type apiError struct {
	code       string
	msg        string
	retryAfter time.Duration
}

func (e *apiError) Error() string { return e.msg }

func errorf(code, msg string) error { return &apiError{code: code, msg: msg} }

// writeProblem answers err as problem+json, logging what the caller must
// not see.
func (a *API) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	code := codeOf(err)
	kind, ok := statuses[code]
	if !ok {
		code, kind = string(lifeops.CodeInternal), statuses[string(lifeops.CodeInternal)]
	}
	p := Problem{Type: "urn:lifeops:problem:" + code, Title: kind.title, Status: kind.status, Code: code,
		RequestID: RequestIDFrom(r.Context()), Instance: r.URL.Path}
	var pe *apiError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &pe):
		p.Detail = pe.msg
		if pe.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((pe.retryAfter+time.Second-1)/time.Second)))
		}
	case errors.As(err, &mb):
		p.Detail = "The request body is larger than " + strconv.FormatInt(mb.Limit, 10) + " bytes."
	default:
		p.Detail = lifeops.ErrorMessage(err)
		for _, fe := range lifeops.FieldErrors(err) {
			p.Errors = append(p.Errors, FieldError{Field: fe.Field, Message: fe.Reason})
		}
	}
	if kind.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lifeops"`)
	}
	level := slog.LevelDebug
	if kind.status >= 500 {
		level = slog.LevelError
	}
	a.log.LogAttrs(r.Context(), level, "request failed", slog.String("request_id", p.RequestID),
		slog.String("code", code), slog.String("error", err.Error()))
	writeJSONType(w, kind.status, "application/problem+json", p)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, status, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, status int, ctype string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		ctype = "application/problem+json"
		b = []byte(`{"type":"urn:lifeops:problem:internal","title":"Internal error","status":500,"code":"internal"}`)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
