package ouratest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// receiver is a webhook endpoint as a client would write it: it answers the
// verification challenge and checks signatures with the client secret.
type receiver struct {
	token  string
	status int // answer to events; 0 means 200

	mu         sync.Mutex
	challenges int
	events     []map[string]any
	timestamps []string
	bad        int // events with a wrong signature
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if r.Method == http.MethodGet {
		if r.URL.Query().Get("verification_token") != rc.token {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		rc.challenges++
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": r.URL.Query().Get("challenge")})
		return
	}
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get("x-oura-timestamp")
	m := hmac.New(sha256.New, []byte(ouratest.DefaultClientSecret))
	m.Write([]byte(ts))
	m.Write(body)
	want := strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
	if !hmac.Equal([]byte(want), []byte(r.Header.Get("x-oura-signature"))) {
		rc.bad++
	}
	var ev map[string]any
	_ = json.Unmarshal(body, &ev)
	rc.events = append(rc.events, ev)
	rc.timestamps = append(rc.timestamps, ts)
	if rc.status != 0 {
		w.WriteHeader(rc.status)
	}
}

func newReceiver(t *testing.T, token string) (*receiver, *httptest.Server) {
	rc := &receiver{token: token}
	ts := httptest.NewServer(rc)
	t.Cleanup(ts.Close)
	return rc, ts
}

func subscribe(t *testing.T, s *ouratest.Server, callback, event, data string, want int) map[string]any {
	t.Helper()
	body := `{"callback_url":"` + callback + `","verification_token":"vt","event_type":"` + event + `","data_type":"` + data + `"}`
	b := clientCall(t, s, http.MethodPost, "/v2/webhook/subscription", body, want)
	return decodeObject(t, b)
}

func TestSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	rc, cb := newReceiver(t, "vt")
	s := start(t, ouratest.WithSubscriptionLifetime(48*time.Hour))
	sub := subscribe(t, s, cb.URL, "update", "sleep", http.StatusCreated)
	want := map[string]any{"id": sub["id"], "callback_url": cb.URL, "event_type": "update", "data_type": "sleep",
		"expiration_time": "2024-07-02T12:00:00.000000+00:00"}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if rc.challenges != 1 {
		t.Errorf("%d verification challenges, want 1", rc.challenges)
	}
	id := sub["id"].(string)
	subscribe(t, s, cb.URL, "update", "sleep", http.StatusConflict)
	list := clientCall(t, s, http.MethodGet, "/v2/webhook/subscription", "", 200)
	var subs []map[string]any
	if err := json.Unmarshal(list, &subs); err != nil || len(subs) != 1 || subs[0]["id"] != id {
		t.Fatalf("list: %s", list)
	}
	got := decodeObject(t, clientCall(t, s, http.MethodGet, "/v2/webhook/subscription/"+id, "", 200))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	upd := decodeObject(t, clientCall(t, s, http.MethodPut, "/v2/webhook/subscription/"+id, `{"verification_token":"vt","data_type":"workout"}`, 200))
	if upd["data_type"] != "workout" || upd["event_type"] != "update" || rc.challenges != 2 {
		t.Errorf("update: %v after %d challenges", upd, rc.challenges)
	}
	s.Advance(24 * time.Hour)
	renewed := decodeObject(t, clientCall(t, s, http.MethodPut, "/v2/webhook/subscription/renew/"+id, "", 200))
	if renewed["expiration_time"] != "2024-07-03T12:00:00.000000+00:00" {
		t.Errorf("renewed until %v", renewed["expiration_time"])
	}
	clientCall(t, s, http.MethodDelete, "/v2/webhook/subscription/"+id, "", http.StatusNoContent)
	clientCall(t, s, http.MethodGet, "/v2/webhook/subscription/"+id, "", http.StatusNotFound)
	clientCall(t, s, http.MethodDelete, "/v2/webhook/subscription/"+id, "", http.StatusNotFound)
	clientCall(t, s, http.MethodPut, "/v2/webhook/subscription/renew/"+id, "", http.StatusNotFound)
	clientCall(t, s, http.MethodPut, "/v2/webhook/subscription/"+id, `{"verification_token":"vt"}`, http.StatusNotFound)
	if n := len(s.Subscriptions()); n != 0 {
		t.Errorf("%d subscriptions after delete", n)
	}
}

func TestSubscriptionErrors(t *testing.T) {
	t.Parallel()
	rc, cb := newReceiver(t, "vt")
	s := start(t, ouratest.WithClient("app", "app-secret"), ouratest.WithClient(ouratest.DefaultClientID, ouratest.DefaultClientSecret))
	creds := func(id, secret string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v2/webhook/subscription", nil)
		if id != "" {
			req.Header.Set("x-client-id", id)
			req.Header.Set("x-client-secret", secret)
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := []int{creds("", ""), creds("app", "wrong"), creds("nobody", "x"), creds("app", "app-secret")}; !cmp.Equal(got, []int{403, 403, 403, 200}) {
		t.Errorf("credentials: %v", got)
	}
	tests := []struct {
		name, body string
		status     int
		loc        string
	}{
		{"not JSON", `{`, 422, "body"},
		{"missing data_type", `{"callback_url":"` + cb.URL + `","verification_token":"vt","event_type":"create"}`, 422, "body.data_type"},
		{"unknown event", `{"callback_url":"` + cb.URL + `","verification_token":"vt","event_type":"upsert","data_type":"sleep"}`, 422, "body.event_type"},
		{"heart rate has no webhooks", `{"callback_url":"` + cb.URL + `","verification_token":"vt","event_type":"create","data_type":"heartrate"}`, 422, "body.data_type"},
		{"bad url", `{"callback_url":"ftp://x","verification_token":"vt","event_type":"create","data_type":"sleep"}`, 422, "body.callback_url"},
		{"wrong verification token", `{"callback_url":"` + cb.URL + `","verification_token":"nope","event_type":"create","data_type":"sleep"}`, 400, ""},
		{"unreachable", `{"callback_url":"http://127.0.0.1:1/","verification_token":"vt","event_type":"create","data_type":"sleep"}`, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := clientCall(t, s, http.MethodPost, "/v2/webhook/subscription", tt.body, tt.status)
			if tt.loc == "" {
				return
			}
			var v struct {
				Detail []struct{ Loc []string }
			}
			if err := json.Unmarshal(b, &v); err != nil || len(v.Detail) == 0 || strings.Join(v.Detail[0].Loc, ".") != tt.loc {
				t.Errorf("detail %s, want loc %s", b, tt.loc)
			}
		})
	}
	_ = rc
}

func TestNotify(t *testing.T) {
	t.Parallel()
	rc, cb := newReceiver(t, "vt")
	other, cb2 := newReceiver(t, "vt")
	s := start(t, ouratest.WithSubscriptionLifetime(time.Hour))
	a := subscribe(t, s, cb.URL, "update", "sleep", http.StatusCreated)
	subscribe(t, s, cb2.URL, "create", "sleep", http.StatusCreated)
	ev := ouratest.Event{EventType: "update", DataType: "sleep", ObjectID: "abc"}
	ds, err := s.Notify(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Status != 200 || ds[0].SubscriptionID != a["id"] || ds[0].Err != nil {
		t.Fatalf("deliveries %+v", ds)
	}
	want := map[string]any{"event_type": "update", "data_type": "sleep", "object_id": "abc",
		"event_time": "2024-06-30T12:00:00+00:00", "user_id": ouratest.DefaultUserID}
	if len(rc.events) != 1 || rc.bad != 0 || len(other.events) != 0 {
		t.Fatalf("receiver saw %d events (%d badly signed), the other %d", len(rc.events), rc.bad, len(other.events))
	}
	if diff := cmp.Diff(want, rc.events[0]); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	if rc.timestamps[0] != "1719748800" {
		t.Errorf("x-oura-timestamp %s", rc.timestamps[0])
	}
	// Expired subscriptions get nothing; renewed ones do again.
	s.Advance(2 * time.Hour)
	if ds, _ := s.Notify(t.Context(), ev); len(ds) != 0 {
		t.Errorf("delivered to an expired subscription: %+v", ds)
	}
	clientCall(t, s, http.MethodPut, "/v2/webhook/subscription/renew/"+a["id"].(string), "", 200)
	// A 410 Gone cancels the subscription.
	rc.mu.Lock()
	rc.status = http.StatusGone
	rc.mu.Unlock()
	if ds, _ := s.Notify(t.Context(), ev); len(ds) != 1 || ds[0].Status != 410 {
		t.Fatalf("deliveries %+v", ds)
	}
	for _, sub := range s.Subscriptions() {
		if sub.ID == a["id"] {
			t.Error("a 410 left the subscription")
		}
	}
	if _, err := s.Notify(t.Context(), ouratest.Event{EventType: "merge", DataType: "sleep"}); err == nil {
		t.Error("Notify accepted an unknown event type")
	}
	if _, err := s.Notify(t.Context(), ouratest.Event{EventType: "create", DataType: "heartrate"}); err == nil {
		t.Error("Notify accepted an unknown data type")
	}
}

func TestSendEventAndSign(t *testing.T) {
	t.Parallel()
	rc, cb := newReceiver(t, "vt")
	s := start(t)
	d, err := s.SendEvent(t.Context(), cb.URL, ouratest.Event{EventType: "create", DataType: "vo2_max", ObjectID: "o", UserID: "u", EventTime: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil || d.Status != 200 {
		t.Fatalf("%+v %v", d, err)
	}
	if rc.bad != 0 || rc.events[0]["event_time"] != "2024-01-02T03:04:05+00:00" || rc.events[0]["user_id"] != "u" {
		t.Errorf("event %v (%d badly signed)", rc.events, rc.bad)
	}
	if d, _ := s.SendEvent(t.Context(), "http://127.0.0.1:1/", ouratest.Event{EventType: "create", DataType: "sleep"}); d.Err == nil || d.Status != 0 {
		t.Errorf("unreachable callback: %+v", d)
	}
	// A known vector: HMAC-SHA256 with key "key" over "1700000000" + "{}".
	m := hmac.New(sha256.New, []byte("key"))
	m.Write([]byte("1700000000{}"))
	if got, want := ouratest.Sign("key", "1700000000", []byte("{}")), strings.ToUpper(hex.EncodeToString(m.Sum(nil))); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestLateRevisions(t *testing.T) {
	t.Parallel()
	revision := day0.Add(time.Hour)
	s := start(t, ouratest.WithRevisionAt(revision))
	events, err := s.RevisionEvents(ouratest.DefaultUserID, civil.D(2024, 4, 1), civil.D(2024, 6, 29))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, ev := range events {
		kinds[ev.EventType+" "+ev.DataType]++
		if !ev.EventTime.Equal(revision) {
			t.Errorf("event at %v", ev.EventTime)
		}
	}
	if kinds["update sleep"] == 0 || kinds["delete sleep"] == 0 || kinds["update daily_sleep"] != kinds["update sleep"] {
		t.Fatalf("revision events %v", kinds)
	}
	const list = "/v2/usercollection/sleep?start_date=2024-04-01&end_date=2024-06-29"
	before, _ := walk(t, s, ouratest.DefaultToken, list)
	docsBefore := map[string][]byte{}
	for _, ev := range events {
		st, body := fetch(t, s, ouratest.DefaultToken, "/v2/usercollection/"+ev.DataType+"/"+ev.ObjectID)
		if st != 200 {
			t.Fatalf("%s %s before the revision: %d", ev.DataType, ev.ObjectID, st)
		}
		docsBefore[ev.ObjectID] = body
	}
	s.SetTime(revision)
	after, _ := walk(t, s, ouratest.DefaultToken, list)
	if len(after) >= len(before) {
		t.Errorf("%d sleep documents before and %d after: want merged late naps gone", len(before), len(after))
	}
	for _, ev := range events {
		st, body := fetch(t, s, ouratest.DefaultToken, "/v2/usercollection/"+ev.DataType+"/"+ev.ObjectID)
		old := decodeObject(t, docsBefore[ev.ObjectID])
		switch {
		case ev.EventType == "delete" && st == http.StatusNotFound:
			if old["type"] != "late_nap" {
				t.Errorf("%s: a %v disappeared", ev.ObjectID, old["type"])
			}
		case ev.EventType == "delete":
			doc := decodeObject(t, body)
			if doc["type"] != "deleted" || old["type"] != "sleep" || doc["id"] != old["id"] {
				t.Errorf("%s: deleted nap is %v (was %v)", ev.ObjectID, doc["type"], old["type"])
			}
		case ev.DataType == "sleep":
			doc := decodeObject(t, body)
			if doc["sleep_analysis_reason"] != "bedtime_edit" || doc["bedtime_start"].(string) <= old["bedtime_start"].(string) || doc["bedtime_end"] != old["bedtime_end"] {
				t.Errorf("%s: edit from %v to %v (%v)", ev.ObjectID, old["bedtime_start"], doc["bedtime_start"], doc["sleep_analysis_reason"])
			}
		default:
			if st != 200 || string(body) == string(docsBefore[ev.ObjectID]) {
				t.Errorf("%s %s did not change", ev.DataType, ev.ObjectID)
			}
		}
	}
	if _, err := s.RevisionEvents("nobody", civil.D(2024, 4, 1), civil.D(2024, 4, 2)); err == nil {
		t.Error("events of an unknown user")
	}
	if _, err := s.RevisionEvents(ouratest.DefaultUserID, civil.D(2024, 4, 2), civil.D(2024, 4, 1)); err == nil {
		t.Error("events of a reversed range")
	}
}

// TestConcurrentDuplicateSubscriptions: two creates for the same event and
// data type that verify their callbacks at the same time make one
// subscription; the other is refused with 409, as one made after it is.
func TestConcurrentDuplicateSubscriptions(t *testing.T) {
	t.Parallel()
	s := ouratest.Start(t, ouratest.WithTime(day0))
	arrived := make(chan struct{}, 2)
	both := make(chan struct{})
	go func() {
		defer close(both)
		for range 2 {
			select {
			case <-arrived:
			case <-time.After(10 * time.Second): // should only one come, let it through
				return
			}
		}
	}()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-both // both creates are past their duplicate check
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": r.URL.Query().Get("challenge")})
	}))
	t.Cleanup(cb.Close)
	body := `{"callback_url":"` + cb.URL + `","verification_token":"vt","event_type":"create","data_type":"sleep"}`
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/v2/webhook/subscription", strings.NewReader(body))
			req.Header.Set("x-client-id", ouratest.DefaultClientID)
			req.Header.Set("x-client-secret", ouratest.DefaultClientSecret)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	if a, b := min(statuses[0], statuses[1]), max(statuses[0], statuses[1]); a != http.StatusCreated || b != http.StatusConflict {
		t.Errorf("statuses %v, want one 201 and one 409", statuses)
	}
	if n := len(s.Subscriptions()); n != 1 {
		t.Errorf("%d subscriptions for one (event, data) pair", n)
	}
}
