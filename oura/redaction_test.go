package oura

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// secrets that must never show.
var secrets = []string{testToken, "app-secret-9d8c7b", testClientSecret, testRefresh0, "verif-tok-5511", "access-1", "refresh-1"}

func assertNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("%s leaks %q: %s", where, sec, s)
		}
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	conf := ts.config()
	src := conf.TokenSource(&oauth2.Token{AccessToken: testToken, RefreshToken: testRefresh0, Expiry: time.Now().Add(time.Hour)}, nil)
	b := setup(t, WithTokenSource(src))
	type holder struct{ Key Secret }
	values := map[string]any{
		"Secret":               Secret(testToken),
		"struct":               holder{Key: Secret(testToken)},
		"OAuthConfig":          conf,
		"OAuthTokenSource":     src,
		"StaticToken":          StaticToken(testToken),
		"Client":               b.client,
		"CreateWebhookRequest": &CreateWebhookRequest{CallbackURL: "https://x", VerificationToken: "verif-tok-5511"},
		"WebhookConfig":        WebhookConfig{ClientSecret: testClientSecret, VerificationToken: "verif-tok-5511"},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			got := fmt.Sprintf(verb, v)
			assertNoSecret(t, name+" "+verb, got)
		}
		var jbuf, tbuf bytes.Buffer
		slog.New(slog.NewJSONHandler(&jbuf, nil)).Info("value", "v", v)
		slog.New(slog.NewTextHandler(&tbuf, nil)).Info("value", "v", v)
		assertNoSecret(t, name+" slog JSON", jbuf.String())
		assertNoSecret(t, name+" slog text", tbuf.String())
	}
	enc, err := json.Marshal(map[string]any{"s": Secret(testToken), "w": holder{Key: testClientSecret}, "r": CreateWebhookRequest{VerificationToken: "verif-tok-5511"}})
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "JSON", string(enc))
	if txt, _ := Secret("x").MarshalText(); string(txt) != "[REDACTED]" || !Secret("").IsZero() || Secret("x").String() != "[REDACTED]" {
		t.Error("Secret text forms")
	}
}

// TestSecretsNeverLogged runs requests that refresh, fail and retry with a
// debug logger and checks the log and the errors.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: testToken, RefreshToken: testRefresh0, Expiry: time.Now().Add(time.Hour)}, nil)
	b := setup(t, WithTokenSource(src), WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}))
	b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, `{"detail":"bad"}`)
	})
	b.mux.HandleFunc("/v2/usercollection/daily_sleep", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, `{"detail":"down"}`)
	})
	b.mux.HandleFunc("/v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"detail":"no"}`)
	})
	var errs []error
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	errs = append(errs, err)
	_, _, err = b.client.DailySleep.List(t.Context(), nil)
	errs = append(errs, err)
	_, _, err = b.client.Webhooks.List(t.Context())
	errs = append(errs, err)
	_, _, err = b.client.Webhooks.Create(t.Context(), &CreateWebhookRequest{CallbackURL: "https://x.example/h", VerificationToken: "verif-tok-5511", EventType: EventTypeCreate, DataType: DataTypeSleep})
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded", i)
		}
		assertNoSecret(t, fmt.Sprintf("error %d", i), err.Error())
		assertNoSecret(t, fmt.Sprintf("error %d %%+v", i), fmt.Sprintf("%+v", err))
	}
	logs := b.logText()
	if !strings.Contains(logs, "oura: request") || !strings.Contains(logs, "oura: retrying") {
		t.Fatalf("debug log is missing request lines:\n%s", logs)
	}
	assertNoSecret(t, "log", logs)
}
