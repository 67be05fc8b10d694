package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/examples/server/web"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// The dashboard is mounted beside the API it borrows sign-in from; a
// person signs in with a pairing code their app made.
func ExampleNew() {
	ctx := context.Background()
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New()})
	ada, _ := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	secret := []byte("32 random bytes, kept by the program")
	keys, _ := api.NewKeys(secret)
	h, _ := api.New(api.Config{Service: svc, Keys: keys})
	dash, err := web.New(web.Config{Service: svc, API: h, Secret: secret})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle(web.Prefix, dash)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	code, _, _ := h.NewPairingCode(ctx, ada.ID)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.PostForm(srv.URL+"/app/signin", url.Values{"secret": {code}})
	if err != nil {
		fmt.Println(err)
		return
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	devices, _ := svc.Devices(ctx, ada.ID)
	fmt.Println(resp.Request.URL.Path, resp.StatusCode, strings.Contains(string(page), "<h1>Today</h1>"))
	fmt.Println(len(devices), "device:", devices[0].Name)
	// Output:
	// /app/ 200 true
	// 1 device: Web browser
}
