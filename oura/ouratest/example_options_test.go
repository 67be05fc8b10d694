package ouratest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/lifeops/lifeops/oura/ouratest"
)

func ExampleSign() {
	// The x-oura-signature of a body sent with x-oura-timestamp 1719748800.
	fmt.Println(ouratest.Sign("client-secret", "1719748800", []byte(`{"event_type":"create"}`)))
	// Output:
	// F19279B012275FD3A48303A7D7DCA9958FA55427D55F269A5936FA51B9FB0E72
}

func ExampleWithExactDates() {
	now := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	days := func(opts ...ouratest.Option) []string {
		s, err := ouratest.NewServer(append(opts, ouratest.WithTime(now))...)
		if err != nil {
			panic(err)
		}
		defer s.Close()
		var page struct {
			Data []struct {
				Day string `json:"day"`
			} `json:"data"`
		}
		get(s, ouratest.DefaultToken, "/v2/usercollection/daily_activity?start_date=2024-06-01&end_date=2024-06-03", &page)
		var out []string
		for _, d := range page.Data {
			out = append(out, d.Day)
		}
		return out
	}
	fmt.Println("as Oura:", days())
	fmt.Println("exact:  ", days(ouratest.WithExactDates()))
	// Output:
	// as Oura: [2024-06-01 2024-06-02]
	// exact:   [2024-06-01 2024-06-02 2024-06-03]
}

func ExampleServer_AuthorizationCode() {
	s, err := ouratest.NewServer()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	// The code a user's consent would have produced.
	code, err := s.AuthorizationCode(ouratest.DefaultUserID, "daily", "heartrate")
	if err != nil {
		panic(err)
	}
	resp, err := s.Client().PostForm(s.URL+"/oauth/token", url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {"https://app.example/callback"},
		"client_id":     {ouratest.DefaultClientID},
		"client_secret": {ouratest.DefaultClientSecret},
	})
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var tok struct {
		TokenType string `json:"token_type"`
		ExpiresIn int    `json:"expires_in"`
		Scope     string `json:"scope"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, tok.TokenType, tok.ExpiresIn, tok.Scope)
	// Output:
	// 200 bearer 86400 daily heartrate
}

func ExampleServer_RevokeToken() {
	s, err := ouratest.NewServer()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	tok, err := s.IssueToken(ouratest.DefaultUserID)
	if err != nil {
		panic(err)
	}
	fmt.Println(get(s, tok.AccessToken, "/v2/usercollection/personal_info", nil))
	s.RevokeToken(tok.AccessToken) // as if the user withdrew consent
	fmt.Println(get(s, tok.AccessToken, "/v2/usercollection/personal_info", nil))
	// Output:
	// 200
	// 401
}

func ExampleWithRateLimit() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)), ouratest.WithRateLimit(2, 5*time.Minute))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for range 3 {
		fmt.Println(get(s, ouratest.DefaultToken, "/v2/usercollection/personal_info", nil))
	}
	s.Advance(5 * time.Minute) // the next window
	fmt.Println(get(s, ouratest.DefaultToken, "/v2/usercollection/personal_info", nil))
	// Output:
	// 200
	// 200
	// 429
	// 200
}

func ExampleCutBody() {
	s, err := ouratest.NewServer(ouratest.WithFaults(ouratest.Rule{Times: 1, Fault: ouratest.CutBody()}))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v2/usercollection/personal_info", nil)
	req.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
	resp, err := s.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, errors.Is(err, io.ErrUnexpectedEOF))
	// Output:
	// 200 true
}

func ExampleServer_SendEvent() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Println(r.Header.Get("x-oura-timestamp"), r.Header.Get("x-oura-signature") == ouratest.Sign(ouratest.DefaultClientSecret, r.Header.Get("x-oura-timestamp"), body))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	d, err := s.SendEvent(context.Background(), hook.URL, ouratest.Event{EventType: "delete", DataType: "workout", ObjectID: "w1"})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Status)
	// Output:
	// 1719748800 true
	// 204
}
