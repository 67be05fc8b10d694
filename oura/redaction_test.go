package oura

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// TestSecretsEchoedByOuraAreRedacted: an error body may quote what the
// request carried (a framework echoing its input, a gateway quoting a
// header). The client knows which secrets each request sent and keeps them
// out of its errors and logs whatever the body's shape.
func TestSecretsEchoedByOuraAreRedacted(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}))
	echo := func(r *http.Request) string {
		body, _ := io.ReadAll(r.Body)
		return r.Header.Get("Authorization") + " " + r.Header.Get("X-Client-Secret") + " " + string(body)
	}
	b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, fmt.Sprintf(`{"detail":%q}`, "token rejected: "+echo(r)))
	})
	b.mux.HandleFunc("/v2/usercollection/daily_sleep", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, "<html>upstream said "+echo(r)+"</html>")
	})
	b.mux.HandleFunc("/v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnprocessableEntity, fmt.Sprintf(`{"detail":[{"loc":["body","verification_token"],"msg":%q,"type":"value_error"}]}`, "bad input "+echo(r)))
	})
	b.mux.HandleFunc("/v2/webhook/subscription/sub-1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"message":%q}`, echo(r)))
	})
	var errs []error
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	errs = append(errs, err)
	_, _, err = b.client.DailySleep.List(t.Context(), nil)
	errs = append(errs, err)
	_, _, err = b.client.Webhooks.Create(t.Context(), &CreateWebhookRequest{CallbackURL: "https://x.example/h", VerificationToken: "verif-tok-5511", EventType: EventTypeCreate, DataType: DataTypeSleep})
	errs = append(errs, err)
	_, _, err = b.client.Webhooks.Update(t.Context(), "sub-1", &UpdateWebhookRequest{VerificationToken: "verif-tok-5511"})
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded", i)
		}
		if !strings.Contains(err.Error(), "[REDACTED]") {
			t.Errorf("error %d does not show where the secret was: %v", i, err)
		}
		assertNoSecret(t, fmt.Sprintf("error %d", i), err.Error())
		assertNoSecret(t, fmt.Sprintf("error %d %%+v", i), fmt.Sprintf("%+v", err))
	}
	assertNoSecret(t, "log", b.logText())

	// The token endpoint may quote the refresh token or the client secret
	// in its error_description.
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		writeJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"error":"invalid_grant","error_description":%q}`,
			"refresh token "+r.PostForm.Get("refresh_token")+" or code "+r.PostForm.Get("code")+" unknown to client with secret "+r.PostForm.Get("client_secret")))
	}))
	t.Cleanup(tokenSrv.Close)
	conf := &OAuthConfig{ClientID: "app-1", ClientSecret: testClientSecret, HTTPClient: tokenSrv.Client(),
		Endpoint: oauth2.Endpoint{AuthURL: tokenSrv.URL + "/a", TokenURL: tokenSrv.URL + "/t", AuthStyle: oauth2.AuthStyleInParams}}
	_, err = conf.TokenSource(&oauth2.Token{AccessToken: testToken, RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Hour)}, nil).Token(t.Context())
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("refresh: err = %v", err)
	}
	assertNoSecret(t, "refresh error", fmt.Sprintf("%+v", err))
	_, err = conf.Exchange(t.Context(), "code-secret-4410")
	if err == nil || strings.Contains(err.Error(), "code-secret-4410") {
		t.Errorf("exchange: err = %v", err)
	}
	assertNoSecret(t, "exchange error", err.Error())
}

// TestRedirectsKeepCredentialsHome: a redirect to another origin gets
// neither the bearer token nor the application's client secret. Go drops
// Authorization only for another host name, and custom headers never.
func TestRedirectsKeepCredentialsHome(t *testing.T) {
	t.Parallel()
	got := make(chan http.Header, 4)
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		writeJSON(w, http.StatusOK, `[]`)
	}))
	t.Cleanup(elsewhere.Close)
	b := setup(t)
	b.mux.HandleFunc("/v2/webhook/subscription", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/v2/webhook/subscription", http.StatusTemporaryRedirect)
	})
	b.mux.HandleFunc("/v2/usercollection/personal_info", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/v2/usercollection/personal_info", http.StatusFound)
	})
	b.mux.HandleFunc("/v2/usercollection/ring_configuration", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, baseURLPath+"/v2/usercollection/ring_configuration/moved", http.StatusFound)
	})
	b.mux.HandleFunc("/v2/usercollection/ring_configuration/moved", func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		writeJSON(w, http.StatusOK, `{"data":[],"next_token":null}`)
	})
	if _, _, err := b.client.Webhooks.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	h := <-got
	if h.Get("X-Client-Secret") != "" || h.Get("X-Client-Id") != "" || h.Get("Authorization") != "" {
		t.Errorf("another origin received the app credentials: %v", h)
	}
	_, _, _ = b.client.PersonalInfo.Get(t.Context()) // "[]" is not a profile; only the headers matter
	if h := <-got; h.Get("Authorization") != "" {
		t.Errorf("another origin received the bearer token: %q", h.Get("Authorization"))
	}
	// The same origin keeps them.
	if _, _, err := b.client.RingConfiguration.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if h := <-got; h.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("a redirect within the origin lost the token: %q", h.Get("Authorization"))
	}
}
