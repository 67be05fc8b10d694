package ouratest_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura/ouratest"
)

func ExampleServer_Inject() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	// The next two heart-rate requests are rate limited.
	err = s.Inject(ouratest.Rule{Path: "/v2/usercollection/heartrate", Times: 2, Fault: ouratest.RateLimited(time.Second)})
	if err != nil {
		panic(err)
	}
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v2/usercollection/heartrate", nil)
		req.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
		resp, err := s.Client().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("X-RateLimit-Limit"))
	}
	// Output:
	// 429 1 5000
	// 429 1 5000
	// 200
}

func ExampleServer_Requests() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	get(s, ouratest.DefaultToken, "/v2/usercollection/daily_sleep?start_date=2024-06-01&end_date=2024-06-07", nil)
	get(s, "expired", "/v2/usercollection/daily_sleep", nil)
	for _, r := range s.Requests() {
		fmt.Println(r.Method, r.Path, r.Query.Get("start_date"), r.Status, r.Header.Get("Authorization"))
	}
	// Output:
	// GET /v2/usercollection/daily_sleep 2024-06-01 200 REDACTED
	// GET /v2/usercollection/daily_sleep  401 REDACTED
}

func ExampleServer_IssueToken() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	tok, err := s.IssueToken(ouratest.DefaultUserID, "daily")
	if err != nil {
		panic(err)
	}
	fmt.Println(get(s, tok.AccessToken, "/v2/usercollection/daily_sleep", nil))
	fmt.Println(get(s, tok.AccessToken, "/v2/usercollection/heartrate", nil)) // no heartrate scope

	// Refresh with the rotating refresh token, as an OAuth2 client would.
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {tok.RefreshToken},
		"client_id":     {ouratest.DefaultClientID},
		"client_secret": {ouratest.DefaultClientSecret},
	}
	for range 2 {
		resp, err := s.Client().PostForm(s.URL+"/oauth/token", form)
		if err != nil {
			panic(err)
		}
		var body struct {
			Error     string `json:"error"`
			ExpiresIn int    `json:"expires_in"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		fmt.Printf("%d expires_in=%d error=%q\n", resp.StatusCode, body.ExpiresIn, body.Error)
	}

	// Tokens expire on the server's clock.
	s.Advance(25 * time.Hour)
	fmt.Println(get(s, tok.AccessToken, "/v2/usercollection/daily_sleep", nil))
	// Output:
	// 200
	// 403
	// 200 expires_in=86400 error=""
	// 400 expires_in=0 error="invalid_grant"
	// 401
}

func ExampleServer_Notify() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()

	// A webhook endpoint: it answers the verification challenge and checks
	// each event's signature with the client secret.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if r.URL.Query().Get("verification_token") == "my-token" {
				fmt.Fprintf(w, `{"challenge":%q}`, r.URL.Query().Get("challenge"))
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		want := ouratest.Sign(ouratest.DefaultClientSecret, r.Header.Get("x-oura-timestamp"), body)
		fmt.Println("signature ok:", hmac.Equal([]byte(want), []byte(r.Header.Get("x-oura-signature"))))
		fmt.Println(string(body))
	}))
	defer hook.Close()

	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v2/webhook/subscription", strings.NewReader(
		`{"callback_url":"`+hook.URL+`","verification_token":"my-token","event_type":"update","data_type":"sleep"}`))
	req.Header.Set("x-client-id", ouratest.DefaultClientID)
	req.Header.Set("x-client-secret", ouratest.DefaultClientSecret)
	resp, err := s.Client().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("subscribed:", resp.StatusCode)

	deliveries, err := s.Notify(context.Background(), ouratest.Event{EventType: "update", DataType: "sleep", ObjectID: "some-id"})
	if err != nil {
		panic(err)
	}
	fmt.Println("delivered:", len(deliveries), deliveries[0].Status)
	// Output:
	// subscribed: 201
	// signature ok: true
	// {"event_type":"update","data_type":"sleep","object_id":"some-id","event_time":"2024-06-30T12:00:00+00:00","user_id":"ouratest-user"}
	// delivered: 1 200
}

func ExampleWithRevisionAt() {
	now := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	s, err := ouratest.NewServer(ouratest.WithTime(now), ouratest.WithRevisionAt(now.Add(time.Hour)))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	events, err := s.RevisionEvents(ouratest.DefaultUserID, civil.D(2024, 6, 1), civil.D(2024, 6, 29))
	if err != nil {
		panic(err)
	}
	var sleep struct {
		BedtimeStart string `json:"bedtime_start"`
		Reason       string `json:"sleep_analysis_reason"`
	}
	for _, ev := range events {
		if ev.EventType == "update" && ev.DataType == "sleep" {
			get(s, ouratest.DefaultToken, "/v2/usercollection/sleep/"+ev.ObjectID, &sleep)
			fmt.Println(sleep.BedtimeStart, sleep.Reason)
			s.Advance(time.Hour) // past the revision: the same id, edited
			get(s, ouratest.DefaultToken, "/v2/usercollection/sleep/"+ev.ObjectID, &sleep)
			fmt.Println(sleep.BedtimeStart, sleep.Reason)
			break
		}
	}
	// Output:
	// 2024-05-31T23:21:35+00:00 background_sleep_analysis
	// 2024-06-01T00:06:35+00:00 bedtime_edit
}

func ExampleRateLimited() {
	s, err := ouratest.NewServer(ouratest.WithFaults(
		ouratest.Rule{Path: "/v2/usercollection/*", After: 1, Times: 1, Fault: ouratest.RateLimited(30 * time.Second)},
		ouratest.Rule{Path: "/v2/usercollection/*", Times: 1, Fault: ouratest.ServerError(http.StatusServiceUnavailable)},
	))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for range 3 {
		fmt.Println(get(s, ouratest.DefaultToken, "/v2/usercollection/personal_info", nil))
	}
	// Output:
	// 503
	// 429
	// 200
}

// exampleTB stands in for the *testing.T a test would pass to Start.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper()                      {}
func (*exampleTB) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }
func (tb *exampleTB) Cleanup(f func())          { tb.cleanups = append(tb.cleanups, f) }

func ExampleStart() {
	t := &exampleTB{} // in a test: ouratest.Start(t, ...) with the test's t
	s := ouratest.Start(t, ouratest.WithSeed(1), ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	var info struct {
		ID string `json:"id"`
	}
	fmt.Println(get(s, ouratest.DefaultToken, "/v2/usercollection/personal_info", &info), info.ID)
	for _, f := range t.cleanups {
		f() // closes the server
	}
	// Output:
	// 200 ouratest-user
}
