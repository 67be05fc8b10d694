package workstats_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
)

func TestPublicAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"93.184.216.34", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.10", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // carrier-grade NAT
		{"0.0.0.0", false},
		{"255.255.255.255", false},
		{"224.0.0.1", false},
		{"192.0.2.1", false},
		{"198.18.0.1", false},
		{"::1", false},
		{"::", false},
		{"fe80::1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"ff02::1", false},
		{"2001:db8::1", false},
		{"::ffff:10.0.0.1", false}, // IPv4-mapped private
		{"::ffff:8.8.8.8", true},   // IPv4-mapped public
		{"64:ff9b::a00:1", false},  // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", true}, // NAT64 of 8.8.8.8
		{"2002:7f00:1::1", false},  // 6to4 of 127.0.0.1
		{"2002:808:808::1", true},  // 6to4 of 8.8.8.8
	} {
		if got := workstats.PublicAddress(netip.MustParseAddr(tc.addr)); got != tc.public {
			t.Errorf("PublicAddress(%s) = %v, want %v", tc.addr, got, tc.public)
		}
	}
}

// TestPublicHTTPClientRefusesPrivateAddresses: through PublicHTTPClient a
// fetcher refuses a loopback server at once, without retrying, with an
// invalid-input error that names the host and never the path.
func TestPublicHTTPClientRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	t.Cleanup(srv.Close)
	f, err := workstats.NewFetcher(workstats.FetcherConfig{Source: "test", HTTPClient: workstats.PublicHTTPClient(0)})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL + "/private-SECRET/feed.ics")
	_, err = f.Get(context.Background(), &workstats.Request{URL: u})
	if !errors.Is(err, workstats.ErrPrivateAddress) || lifeops.ErrorCode(err) != lifeops.CodeInvalid {
		t.Fatalf("Get of a loopback server = %v, want ErrPrivateAddress with code invalid", err)
	}
	if msg := lifeops.ErrorMessage(err); msg == "" || strings.Contains(msg, "SECRET") || !strings.Contains(msg, "127.0.0.1") {
		t.Errorf("message %q; want the host and not the path", msg)
	}
	if hits != 0 {
		t.Errorf("the server was reached %d times", hits)
	}
}
