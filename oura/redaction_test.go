package oura

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/oura/internal/redacttest"
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

// TestSecretsNeverPrint walks every type of the package that holds a
// secret through every fmt verb, slog's text and JSON handlers and
// encoding/json, bare and nested (a slice, a map, exported and unexported
// struct fields, several levels deep).
func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	conf := ts.config()
	// A source that has refreshed once holds access-1 and refresh-1.
	src := conf.TokenSource(&oauth2.Token{AccessToken: testToken, RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Hour)}, nil)
	if tok, err := src.Token(t.Context()); err != nil || tok.RefreshToken != "refresh-1" {
		t.Fatalf("refresh: %v, %v", tok, err)
	}
	b := setup(t, WithTokenSource(StaticToken(testToken)), WithAppCredentials("app-1", "app-secret-9d8c7b"))
	b.mux.HandleFunc("/v2/usercollection/personal_info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, string(mustRead(t, "personal_info.json")))
	})
	_, resp, err := b.client.PersonalInfo.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Request.Header.Get("Authorization") != "Bearer "+testToken {
		t.Fatal("the response does not lead to the request's token; the Response case tests nothing")
	}
	hook, err := NewWebhookHandler(WebhookConfig{ClientSecret: NewSecret(testClientSecret), VerificationToken: NewSecret("verif-tok-5511"),
		OnEvent: func(context.Context, *WebhookEvent) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	type holder struct{ Key Secret }
	tests := []struct {
		name string
		v    any
		want string // what the value's %v shows instead
	}{
		{"Secret", NewSecret(testToken), "[REDACTED]"},
		{"*Secret", ptr(NewSecret(testToken)), "[REDACTED]"},
		{"struct with a Secret", holder{Key: NewSecret(testToken)}, "{[REDACTED]}"},
		{"StaticToken", StaticToken(testToken), "oura.StaticToken([REDACTED])"},
		{"*OAuthConfig", conf, "ClientSecret: [REDACTED]"},
		{"OAuthConfig", *conf, "ClientSecret: [REDACTED]"},
		{"*OAuthTokenSource", src, "token: [REDACTED]"},
		{"*Client", b.client, "app credentials: true"},
		{"*Response", resp, "status: 200"},
		{"Response", *resp, "status: 200"},
		{"WebhookConfig", WebhookConfig{ClientSecret: NewSecret(testClientSecret), VerificationToken: NewSecret("verif-tok-5511")}, "VerificationToken: [REDACTED]"},
		{"*WebhookHandler", hook, "ClientSecret: [REDACTED]"},
		{"*CreateWebhookRequest", &CreateWebhookRequest{CallbackURL: "https://x", VerificationToken: NewSecret("verif-tok-5511")}, "[REDACTED]"},
		{"UpdateWebhookRequest", UpdateWebhookRequest{VerificationToken: NewSecret("verif-tok-5511")}, "[REDACTED]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			redacttest.Check(t, tt.name, tt.v, secrets...)
			if got := fmt.Sprintf("%v", tt.v); !strings.Contains(got, tt.want) {
				t.Errorf("%%v = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// TestSecret_ValueAndForms: a Secret gives its value only through Reveal,
// compares by value in constant time, reads back from JSON and text, and
// marshals as [REDACTED].
func TestSecret_ValueAndForms(t *testing.T) {
	t.Parallel()
	s := NewSecret("hunter2")
	if s.Reveal() != "hunter2" || s.IsZero() || !s.Equal(NewSecret("hunter2")) || s.Equal(NewSecret("hunter3")) {
		t.Errorf("value: Reveal %q, IsZero %t", s.Reveal(), s.IsZero())
	}
	var zero Secret
	if !zero.IsZero() || zero.Reveal() != "" || !NewSecret("").IsZero() || !zero.Equal(NewSecret("")) {
		t.Error("the zero Secret is not the empty secret")
	}
	for _, f := range []func() ([]byte, error){s.MarshalText, s.MarshalJSON} {
		if b, err := f(); err != nil || !strings.Contains(string(b), "[REDACTED]") || strings.Contains(string(b), "hunter2") {
			t.Errorf("marshal: %s, %v", b, err)
		}
	}
	var cfg struct {
		Token Secret `json:"token"`
		Empty Secret `json:"empty"`
	}
	if err := json.Unmarshal([]byte(`{"token":"from-a-file","empty":null}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Token.Reveal() != "from-a-file" || !cfg.Empty.IsZero() {
		t.Errorf("unmarshal: %q, %q", cfg.Token.Reveal(), cfg.Empty.Reveal())
	}
	if err := json.Unmarshal([]byte(`{"token":42}`), &cfg); err == nil {
		t.Error("a number read as a secret")
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
	_, _, err = b.client.Webhooks.Create(t.Context(), &CreateWebhookRequest{CallbackURL: "https://x.example/h", VerificationToken: NewSecret("verif-tok-5511"), EventType: EventTypeCreate, DataType: DataTypeSleep})
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
	_, _, err = b.client.Webhooks.Create(t.Context(), &CreateWebhookRequest{CallbackURL: "https://x.example/h", VerificationToken: NewSecret("verif-tok-5511"), EventType: EventTypeCreate, DataType: DataTypeSleep})
	errs = append(errs, err)
	_, _, err = b.client.Webhooks.Update(t.Context(), "sub-1", &UpdateWebhookRequest{VerificationToken: NewSecret("verif-tok-5511")})
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
	conf := &OAuthConfig{ClientID: "app-1", ClientSecret: NewSecret(testClientSecret), HTTPClient: tokenSrv.Client(),
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
