package oura

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// addSeeds adds every testdata page and each of its documents.
func addSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		var p struct {
			Data []json.RawMessage `json:"data"`
		}
		if json.Unmarshal(b, &p) == nil {
			for _, d := range p.Data {
				f.Add([]byte(d))
			}
		}
	}
	for _, s := range []string{
		`null`, `{}`, `[]`, `{"data":null,"next_token":null}`, `{"data":[null]}`, `{"items":[null,1.5,null]}`,
		`{"day":"2024-02-30"}`, `{"timestamp":"2024-03-10T04:00:00"}`, `{"start_time":"2024-03-10T25:00:00"}`,
		`{"type":"nap_v9","id":"x"}`, `{"score":1.5}`, `{"id":"a","id":"b"}`, ` {"id":"x"} `,
	} {
		f.Add([]byte(s))
	}
}

// roundTrip decodes data into a T; when that works, the document must keep
// data as its raw JSON, encode, and decode again to the same value.
func roundTrip[T any](t *testing.T, data []byte) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return
	}
	if raw := rawOf(&v); raw != nil && !bytes.Equal(raw, trimJSONSpace(data)) {
		t.Fatalf("%T raw JSON %q, want %q", v, raw, data)
	}
	enc, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("%T decoded from %q does not encode: %v", v, data, err)
	}
	var w T
	if err := json.Unmarshal(enc, &w); err != nil {
		t.Fatalf("%T does not decode its own encoding %q: %v", v, enc, err)
	}
	if diff := cmp.Diff(v, w, ignoreRaw); diff != "" {
		t.Fatalf("%T changed on a round trip through %q (-first +second):\n%s", v, enc, diff)
	}
}

func trimJSONSpace(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

// FuzzDocumentDecoders feeds the same bytes to every model and page type.
func FuzzDocumentDecoders(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip[DailyActivity](t, data)
		roundTrip[DailyCardiovascularAge](t, data)
		roundTrip[DailyReadiness](t, data)
		roundTrip[DailyResilience](t, data)
		roundTrip[DailySleep](t, data)
		roundTrip[DailySpO2](t, data)
		roundTrip[DailyStress](t, data)
		roundTrip[EnhancedTag](t, data)
		roundTrip[PersonalInfo](t, data)
		roundTrip[RestModePeriod](t, data)
		roundTrip[RingConfiguration](t, data)
		roundTrip[Session](t, data)
		roundTrip[Sleep](t, data)
		roundTrip[SleepTime](t, data)
		roundTrip[Tag](t, data)
		roundTrip[VO2Max](t, data)
		roundTrip[Workout](t, data)
		roundTrip[HeartRate](t, data)
		roundTrip[RingBatteryLevel](t, data)
		roundTrip[WebhookSubscription](t, data)
		roundTrip[Page[Sleep]](t, data)
		roundTrip[Page[DailyActivity]](t, data)
		roundTrip[Page[HeartRate]](t, data)
		roundTrip[Page[EnhancedTag]](t, data)
		roundTrip[[]WebhookSubscription](t, data)
		var ev WebhookEvent
		if json.Unmarshal(data, &ev) == nil && !bytes.Equal(ev.Raw, trimJSONSpace(data)) && string(trimJSONSpace(data)) != "null" {
			t.Fatalf("event raw %q, want %q", ev.Raw, data)
		}
	})
}

// FuzzLocalDateTime checks that whatever parses prints back to itself.
func FuzzLocalDateTime(f *testing.F) {
	for _, s := range []string{"2024-03-10T21:45:00", "2024-03-10 21:45", "2024-03-10T21:45:00.123Z", "2024-03-10T06:00:00+01:00",
		"2024-03-10T06:00:00-09:30", "2024-03-10T23:59:60", "2024-02-30T00:00:00", "2024-03-10T", "", "2024-03-10T00:00:00.1234567891"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseLocalDateTime(s)
		if err != nil {
			if !strings.Contains(err.Error(), "oura: local date-time") {
				t.Fatalf("error %q does not name the value", err)
			}
			return
		}
		again, err := ParseLocalDateTime(v.String())
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, v.String(), err)
		}
		if diff := cmp.Diff(v, again); diff != "" {
			t.Fatalf("%q → %q changed (-first +second):\n%s", s, v.String(), diff)
		}
		_ = v.In(time.UTC)
	})
}

// FuzzCheckResponse feeds error bodies and headers to the error decoder.
func FuzzCheckResponse(f *testing.F) {
	f.Add(429, []byte(`{"detail":"slow down"}`), "30", "5000", "300", "1710072000")
	f.Add(422, []byte(`{"detail":[{"loc":["query","start_date"],"msg":"bad","type":"value_error"}]}`), "", "", "", "")
	f.Add(401, []byte(`{"detail":[1,2,{}]}`), "Sun, 10 Mar 2024 12:01:00 GMT", "-1", "x", "99999999999999999999")
	f.Add(503, []byte("<html>bad gateway</html>"), "5", "", "", "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter, limit, window, reset string) {
		if status < 100 || status > 999 {
			return
		}
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Limit", limit)
		h.Set("X-RateLimit-Window", window)
		h.Set("X-RateLimit-Reset", reset)
		req := httptest.NewRequest(http.MethodGet, "http://h/v2/usercollection/sleep", nil)
		err := CheckResponse(&http.Response{StatusCode: status, Header: h, Request: req}, body)
		if status >= 200 && status <= 299 {
			if err != nil {
				t.Fatalf("2xx is an error: %v", err)
			}
			return
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != status || err.Error() == "" {
			t.Fatalf("status %d: err = %v", status, err)
		}
		if ae.RetryAfter < 0 || ae.RetryAfter > 24*time.Hour {
			t.Fatalf("Retry-After %q read as %s", retryAfter, ae.RetryAfter)
		}
		var rl *RateLimitError
		if errors.As(err, &rl) != (status == http.StatusTooManyRequests) {
			t.Fatalf("status %d: RateLimitError %v", status, rl)
		}
		if rl != nil && (rl.Limit < 0 || rl.Window < 0) {
			t.Fatalf("negative limits %+v", rl)
		}
	})
}

// FuzzWebhookHandler sends arbitrary deliveries. The handler never panics,
// answers only with the statuses it documents, accepts nothing it cannot
// verify, and accepts every well-signed, timely, complete event.
func FuzzWebhookHandler(f *testing.F) {
	f.Add([]byte(hookBody), int64(0), true, "")
	f.Add([]byte(hookBody), int64(0), false, "00")
	f.Add([]byte(hookBody), int64(-400), true, "")
	f.Add([]byte(`{"event_type":"update"}`), int64(10), true, "")
	f.Add([]byte(`not json`), int64(0), true, "")
	f.Add([]byte(hookBody), int64(0), false, strings.Repeat("A", 64))
	f.Fuzz(func(t *testing.T, body []byte, skew int64, sign bool, sig string) {
		var got []*WebhookEvent
		h, err := NewWebhookHandler(WebhookConfig{ClientSecret: hookSecret, VerificationToken: hookToken, Now: func() time.Time { return hookNow },
			OnEvent: func(_ context.Context, e *WebhookEvent) error { got = append(got, e); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		if skew > 1e6 || skew < -1e6 {
			skew %= 1e6
		}
		ts := strconv.FormatInt(hookNow.Unix()+skew, 10)
		if sign {
			sig = SignatureHeader(hookSecret, ts, body)
		}
		r := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
		r.Header.Set("x-oura-timestamp", ts)
		r.Header.Set("x-oura-signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case 200, 400, 401, 413:
		default:
			t.Fatalf("status %d", w.Code)
		}
		validSig := sig == SignatureHeader(hookSecret, ts, body) || strings.EqualFold(sig, SignatureHeader(hookSecret, ts, body))
		if w.Code == 200 && (!validSig || len(got) != 1) {
			t.Fatalf("accepted an unverified delivery: sig %q", sig)
		}
		timely := skew >= -300 && skew <= 300
		var ev WebhookEvent
		complete := json.Unmarshal(body, &ev) == nil && ev.EventType != "" && ev.DataType != "" && ev.ObjectID != ""
		if validSig && timely && complete && len(body) <= MaxWebhookBody && w.Code != 200 {
			t.Fatalf("refused a good delivery with %d: %s", w.Code, w.Body.String())
		}
	})
}
