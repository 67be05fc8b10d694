package oura

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func testAppAuth(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "x-client-id", "app-id")
	testHeader(t, r, "x-client-secret", "app-secret-9d8c7b")
	testHeader(t, r, "Authorization", "")
}

func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	testHeader(t, r, "Content-Type", "application/json")
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, []byte(want), b)
}

var wantSub = &WebhookSubscription{ID: "5d3fe17b-f880-4d93-b9b6-afbfb76c1e78", CallbackURL: "https://example.com/oura/webhook",
	EventType: EventTypeUpdate, DataType: DataTypeSleep, ExpirationTime: time.Date(2024, 4, 10, 12, 0, 0, 0, time.UTC)}

var equateTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func TestWebhooks_List(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub := string(mustRead(t, "webhook_subscription.json"))
	b.mux.HandleFunc("GET /v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		testAppAuth(t, r)
		writeJSON(w, http.StatusOK, "["+sub+"]")
	})
	got, _, err := b.client.Webhooks.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]WebhookSubscription{*wantSub}, got, equateTime); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func TestWebhooks_CreateGetUpdateRenewDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub := string(mustRead(t, "webhook_subscription.json"))
	id := "5d3fe17b-f880-4d93-b9b6-afbfb76c1e78"
	b.mux.HandleFunc("POST /v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		testAppAuth(t, r)
		testJSONBody(t, r, `{"callback_url":"https://example.com/oura/webhook","verification_token":"verif-tok-5511","event_type":"update","data_type":"sleep"}`)
		writeJSON(w, http.StatusCreated, sub)
	})
	b.mux.HandleFunc("GET /v2/webhook/subscription/{id}", func(w http.ResponseWriter, r *http.Request) {
		testAppAuth(t, r)
		writeJSON(w, http.StatusOK, sub)
	})
	b.mux.HandleFunc("PUT /v2/webhook/subscription/{id}", func(w http.ResponseWriter, r *http.Request) {
		testAppAuth(t, r)
		testJSONBody(t, r, `{"verification_token":"verif-tok-5511","data_type":"sleep"}`)
		writeJSON(w, http.StatusOK, sub)
	})
	b.mux.HandleFunc("PUT /v2/webhook/subscription/renew/{id}", func(w http.ResponseWriter, r *http.Request) {
		testAppAuth(t, r)
		if r.PathValue("id") != id {
			t.Errorf("renew id %q", r.PathValue("id"))
		}
		writeJSON(w, http.StatusOK, strings.Replace(sub, "2024-04-10T12:00:00+00:00", "2024-05-10T12:00:00.123456", 1))
	})
	b.mux.HandleFunc("DELETE /v2/webhook/subscription/{id}", func(w http.ResponseWriter, r *http.Request) {
		testAppAuth(t, r)
		w.WriteHeader(http.StatusNoContent)
	})
	ctx := t.Context()
	created, resp, err := b.client.Webhooks.Create(ctx, &CreateWebhookRequest{CallbackURL: "https://example.com/oura/webhook", VerificationToken: NewSecret("verif-tok-5511"), EventType: EventTypeUpdate, DataType: DataTypeSleep})
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("Create: %v", err)
	}
	if diff := cmp.Diff(wantSub, created, equateTime); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	got, _, err := b.client.Webhooks.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSub, got, equateTime); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	if _, _, err := b.client.Webhooks.Update(ctx, id, &UpdateWebhookRequest{VerificationToken: NewSecret("verif-tok-5511"), DataType: DataTypeSleep}); err != nil {
		t.Fatal(err)
	}
	renewed, _, err := b.client.Webhooks.Renew(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// A bare expiration time (no offset) is read as UTC.
	if want := time.Date(2024, 5, 10, 12, 0, 0, 123456000, time.UTC); !renewed.ExpirationTime.Equal(want) {
		t.Errorf("renewed expiration %s, want %s", renewed.ExpirationTime, want)
	}
	if resp, err := b.client.Webhooks.Delete(ctx, id); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Errorf("Delete: %v", err)
	}
}

func TestWebhooks_BadArguments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	good := CreateWebhookRequest{CallbackURL: "https://example.com/h", VerificationToken: NewSecret("v"), EventType: EventTypeCreate, DataType: DataTypeTag}
	tests := []struct {
		name  string
		call  func() error
		param string
	}{
		{"nil create", func() error { _, _, err := b.client.Webhooks.Create(ctx, nil); return err }, "CreateWebhookRequest"},
		{"no callback", func() error {
			r := good
			r.CallbackURL = ""
			_, _, err := b.client.Webhooks.Create(ctx, &r)
			return err
		}, "CallbackURL"},
		{"relative callback", func() error {
			r := good
			r.CallbackURL = "/h"
			_, _, err := b.client.Webhooks.Create(ctx, &r)
			return err
		}, "CallbackURL"},
		{"no token", func() error {
			r := good
			r.VerificationToken = Secret{}
			_, _, err := b.client.Webhooks.Create(ctx, &r)
			return err
		}, "VerificationToken"},
		{"no event type", func() error { r := good; r.EventType = ""; _, _, err := b.client.Webhooks.Create(ctx, &r); return err }, "EventType"},
		{"no data type", func() error { r := good; r.DataType = ""; _, _, err := b.client.Webhooks.Create(ctx, &r); return err }, "DataType"},
		{"update without token", func() error { _, _, err := b.client.Webhooks.Update(ctx, "x", &UpdateWebhookRequest{}); return err }, "VerificationToken"},
		{"update nil", func() error { _, _, err := b.client.Webhooks.Update(ctx, "x", nil); return err }, "VerificationToken"},
		{"update bad callback", func() error {
			_, _, err := b.client.Webhooks.Update(ctx, "x", &UpdateWebhookRequest{VerificationToken: NewSecret("v"), CallbackURL: "ftp://x"})
			return err
		}, "CallbackURL"},
		{"get no id", func() error { _, _, err := b.client.Webhooks.Get(ctx, ""); return err }, "id"},
		{"update no id", func() error {
			_, _, err := b.client.Webhooks.Update(ctx, "", &UpdateWebhookRequest{VerificationToken: NewSecret("v")})
			return err
		}, "id"},
		{"renew no id", func() error { _, _, err := b.client.Webhooks.Renew(ctx, ".."); return err }, "id"},
		{"delete no id", func() error { _, err := b.client.Webhooks.Delete(ctx, ""); return err }, "id"},
	}
	for _, tt := range tests {
		var pe *ParamError
		if err := tt.call(); !errors.As(err, &pe) || pe.Param != tt.param {
			t.Errorf("%s: err = %v, want ParamError %s", tt.name, err, tt.param)
		}
	}
}

func TestWebhooks_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Oura answers 403 for a subscription id it does not know.
	b.mux.HandleFunc("/v2/webhook/subscription/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"detail":"Webhook with specified id does not exist."}`)
	})
	if _, _, err := b.client.Webhooks.Get(t.Context(), "nope"); !errors.Is(err, ErrForbidden) {
		t.Errorf("Get: err = %v", err)
	}
	if _, _, err := b.client.Webhooks.Renew(t.Context(), "nope"); !errors.Is(err, ErrForbidden) {
		t.Errorf("Renew: err = %v", err)
	}
	if _, _, err := b.client.Webhooks.Update(t.Context(), "nope", &UpdateWebhookRequest{VerificationToken: NewSecret("v")}); !errors.Is(err, ErrForbidden) {
		t.Errorf("Update: err = %v", err)
	}
	b2 := setup(t)
	b2.mux.HandleFunc("/v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `[{"id":"x","expiration_time":"next tuesday"}]`)
	})
	var de *DecodeError
	if _, _, err := b2.client.Webhooks.List(t.Context()); !errors.As(err, &de) {
		t.Errorf("bad expiration: err = %v, want *DecodeError", err)
	}
	if _, err := b2.client.Webhooks.RenewExpiring(t.Context(), time.Hour); !errors.As(err, &de) {
		t.Errorf("RenewExpiring with a bad list: err = %v", err)
	}
}

func TestWebhooks_RenewExpiring(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	b.client.now = func() time.Time { return now }
	subs := []struct {
		id  string
		exp time.Time
	}{
		{"expired", now.Add(-time.Hour)},
		{"soon", now.Add(2 * 24 * time.Hour)},
		{"failing", now.Add(3 * 24 * time.Hour)},
		{"later", now.Add(30 * 24 * time.Hour)},
	}
	var list []string
	for _, s := range subs {
		list = append(list, fmt.Sprintf(`{"id":%q,"callback_url":"https://x/h","event_type":"create","data_type":"sleep","expiration_time":%q}`, s.id, s.exp.Format(time.RFC3339)))
	}
	b.mux.HandleFunc("GET /v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, "["+strings.Join(list, ",")+"]")
	})
	var mu sync.Mutex
	var renewed []string
	b.mux.HandleFunc("PUT /v2/webhook/subscription/renew/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		mu.Lock()
		renewed = append(renewed, id)
		mu.Unlock()
		if id == "failing" {
			writeJSON(w, http.StatusForbidden, `{"detail":"gone"}`)
			return
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"id":%q,"callback_url":"https://x/h","event_type":"create","data_type":"sleep","expiration_time":%q}`, id, now.Add(90*24*time.Hour).Format(time.RFC3339)))
	})
	got, err := b.client.Webhooks.RenewExpiring(t.Context(), 7*24*time.Hour)
	if diff := cmp.Diff([]string{"expired", "soon", "failing"}, renewed); diff != "" {
		t.Errorf("renew calls (-want +got):\n%s", diff)
	}
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"expired", "soon"}, ids); diff != "" {
		t.Errorf("renewed (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "renew subscription failing (create sleep)") {
		t.Errorf("err = %v, want the failure of \"failing\"", err)
	}
}

func TestWebhookEvent_Decode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want WebhookEvent
		bad  bool
	}{
		{in: `{"event_type":"update","data_type":"sleep","object_id":"o1","event_time":"2023-01-01T08:00:00+00:00","user_id":"u1"}`,
			want: WebhookEvent{EventType: EventTypeUpdate, DataType: DataTypeSleep, ObjectID: "o1", EventTime: time.Date(2023, 1, 1, 8, 0, 0, 0, time.UTC), UserID: "u1"}},
		{in: `{"event_type":"delete","data_type":"meal","object_id":"o2","event_time":"2023-01-01T08:00:00.5","user_id":"u1"}`,
			want: WebhookEvent{EventType: EventTypeDelete, DataType: DataTypeMeal, ObjectID: "o2", EventTime: time.Date(2023, 1, 1, 8, 0, 0, 500_000_000, time.UTC), UserID: "u1"}},
		{in: `{"event_type":"create","data_type":"new_thing","object_id":"o3"}`,
			want: WebhookEvent{EventType: EventTypeCreate, DataType: "new_thing", ObjectID: "o3"}},
		{in: `{"event_time":"yesterday"}`, bad: true},
		{in: `{"event_type":5}`, bad: true},
	}
	for _, tt := range tests {
		var got WebhookEvent
		err := json.Unmarshal([]byte(tt.in), &got)
		if tt.bad {
			if err == nil {
				t.Errorf("%s decoded", tt.in)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		tt.want.Raw = json.RawMessage(tt.in)
		if diff := cmp.Diff(tt.want, got, equateTime); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
}
