package oura

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// requestIDCases are response headers and the request id the client may
// keep from them: a safe id as sent, never a value a server or a proxy
// could use to forge log lines, move a terminal's cursor or bloat errors.
var requestIDCases = []struct {
	name   string
	header map[string]string
	want   string
}{
	{"plain id", map[string]string{"X-Request-Id": "req-42"}, "req-42"},
	{"uuid", map[string]string{"X-Request-Id": "0f8fad5b-d9cb-469f-a165-70867728950e"}, "0f8fad5b-d9cb-469f-a165-70867728950e"},
	{"dots and underscores", map[string]string{"X-Request-Id": "edge_1.eu-west-1.a"}, "edge_1.eu-west-1.a"},
	{"64 bytes", map[string]string{"X-Request-Id": strings.Repeat("a", 64)}, strings.Repeat("a", 64)},
	{"none", nil, ""},
	{"empty", map[string]string{"X-Request-Id": ""}, ""},
	{"65 bytes", map[string]string{"X-Request-Id": strings.Repeat("a", 65)}, ""},
	{"huge", map[string]string{"X-Request-Id": strings.Repeat("id", 32<<10)}, ""},
	{"newline forging a log line", map[string]string{"X-Request-Id": "r1\nlevel=ERROR msg=\"token=abc\""}, ""},
	{"carriage return", map[string]string{"X-Request-Id": "r1\rr2"}, ""},
	{"ANSI escape", map[string]string{"X-Request-Id": "\x1b[2J\x1b[31mr1"}, ""},
	{"NUL", map[string]string{"X-Request-Id": "r1\x00"}, ""},
	{"tab", map[string]string{"X-Request-Id": "r1\tr2"}, ""},
	{"space", map[string]string{"X-Request-Id": "r1 r2"}, ""},
	{"quote and bracket", map[string]string{"X-Request-Id": `r1") (request id r2`}, ""},
	{"unicode letters", map[string]string{"X-Request-Id": "réquête-1"}, ""},
	{"bidi override", map[string]string{"X-Request-Id": "r1\u202egnp.exe"}, ""},
	{"invalid UTF-8", map[string]string{"X-Request-Id": "r1\xff\xfe"}, ""},
	{"only padding", map[string]string{"X-Request-Id": "=="}, ""},
	{"three padding signs", map[string]string{"X-Request-Id": "abc==="}, ""},
	{"padding inside", map[string]string{"X-Request-Id": "a=b"}, ""},
	{"CloudFront id with padding", map[string]string{"X-Amz-Cf-Id": "yKxBGo2x8YaSfeTvhWvQ_6xjn3ZqIRKuLnoXjm9Sz1q9rL4oQbXWHw=="},
		"yKxBGo2x8YaSfeTvhWvQ_6xjn3ZqIRKuLnoXjm9Sz1q9rL4oQbXWHw=="},
	{"an unsafe header gives way to the next safe one",
		map[string]string{"X-Request-Id": "bad\nid", "X-Amzn-Requestid": "aws-7"}, "aws-7"},
	{"the first safe header wins", map[string]string{"X-Request-Id": "r1", "X-Amzn-Requestid": "aws-7"}, "r1"},
	{"cloud trace keeps the trace id", map[string]string{"X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1"},
		"105445aa7843bc8bf206b12000100000"},
	{"cloud trace with a hostile trace id", map[string]string{"X-Cloud-Trace-Context": "\x1b]0;pwned\x07/1;o=1"}, ""},
}

func TestRequestID_KeepsOnlySafeIDs(t *testing.T) {
	t.Parallel()
	for _, tt := range requestIDCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := requestID(h); got != tt.want {
				t.Errorf("requestID = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRequestID_ThroughTheClient sends each header from a server and checks
// what reaches Response.RequestID, APIError.RequestID and the error text.
func TestRequestID_ThroughTheClient(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(NoRetry()))
	var which atomic.Int64
	var fail atomic.Bool
	b.mux.HandleFunc("/v2/usercollection/personal_info", func(w http.ResponseWriter, r *http.Request) {
		tt := requestIDCases[which.Load()]
		for k, v := range tt.header {
			w.Header()[http.CanonicalHeaderKey(k)] = []string{v}
		}
		if fail.Load() {
			w.Header().Set("X-RateLimit-Tier", tt.header["X-Request-Id"])
			writeJSON(w, http.StatusTooManyRequests, `{"detail":"slow down"}`)
			return
		}
		writeJSON(w, http.StatusOK, string(mustRead(t, "personal_info.json")))
	})
	sent := 0
	for i, tt := range requestIDCases {
		if strings.ContainsFunc(tt.header["X-Request-Id"]+tt.header["X-Cloud-Trace-Context"], func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			continue // net/http refuses to read these; requestID itself is tested above
		}
		sent++
		which.Store(int64(i))
		fail.Store(false)
		_, resp, err := b.client.PersonalInfo.Get(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if resp.RequestID != tt.want {
			t.Errorf("%s: Response.RequestID = %q, want %q", tt.name, resp.RequestID, tt.want)
		}
		fail.Store(true)
		_, _, err = b.client.PersonalInfo.Get(t.Context())
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("%s: err = %v, want *RateLimitError", tt.name, err)
		}
		wantTier := ""
		if v := tt.header["X-Request-Id"]; v != "" && v == tt.want {
			wantTier = tt.want
		}
		if diff := cmp.Diff([]string{tt.want, wantTier}, []string{rl.RequestID, rl.Tier}); diff != "" {
			t.Errorf("%s: request id and tier (-want +got):\n%s", tt.name, diff)
		}
		msg := err.Error()
		if strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r > 0x7e }) || len(msg) > 300 {
			t.Errorf("%s: the error text carries what a header held: %q", tt.name, msg)
		}
	}
	if sent < 20 {
		t.Fatalf("only %d cases went through the client", sent)
	}
}

// FuzzRequestID: whatever the headers hold, the id kept is empty or a safe
// token that one of them held (the trace id of X-Cloud-Trace-Context).
func FuzzRequestID(f *testing.F) {
	for _, tt := range requestIDCases {
		f.Add(tt.header["X-Request-Id"], tt.header["X-Amz-Cf-Id"], tt.header["X-Cloud-Trace-Context"])
	}
	f.Fuzz(func(t *testing.T, reqID, cfID, trace string) {
		h := http.Header{}
		h["X-Request-Id"] = []string{reqID}
		h["X-Amz-Cf-Id"] = []string{cfID}
		h["X-Cloud-Trace-Context"] = []string{trace}
		got := requestID(h)
		if got == "" {
			return
		}
		traceID, _, _ := strings.Cut(trace, "/")
		if got != reqID && got != cfID && got != traceID {
			t.Fatalf("requestID = %q, held by no header", got)
		}
		if len(got) > 64 || strings.ContainsFunc(strings.TrimRight(got, "="), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
		}) {
			t.Fatalf("requestID = %q is not a safe id", got)
		}
	})
}
