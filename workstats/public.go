package workstats

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress is the error of a connection that [PublicHTTPClient]
// refused because the address is not a public one.
var ErrPrivateAddress = errors.New("workstats: the address is not public")

// PublicHTTPClient returns an HTTP client for a server that fetches
// addresses its users type in (a calendar feed, an ActivityWatch server):
// it connects only to public unicast addresses, so a person cannot make the
// server read its own loopback, its private network, link-local addresses
// (cloud metadata at 169.254.169.254 among them), shared address space or
// anything else that is not on the public internet. The check is made on
// the address actually dialled, after DNS, so a name that resolves to a
// private address is refused too; proxies from the environment are not
// used, since they would dial for it. timeout bounds each request (zero
// means DefaultTimeout). Give it to FetcherConfig.HTTPClient.
func PublicHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: refusePrivate}
	t := &http.Transport{
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Timeout: timeout, Transport: t}
}

// refusePrivate is a net.Dialer Control that refuses every address
// PublicAddress does not accept.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPrivateAddress, err)
	}
	if !PublicAddress(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

// nonPublic are the special-purpose ranges of RFC 6890 and its updates
// beyond what netip's predicates name.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier-grade NAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast included
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use IPv4/IPv6 translation
	netip.MustParsePrefix("100::/64"),        // discard only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments
}

// PublicAddress reports whether a is a public unicast address: not
// loopback, private (RFC 1918, unique local), link-local, multicast,
// unspecified, or any other special-purpose range. An IPv4 address written
// in IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
func PublicAddress(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	if a.Is6() {
		// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4
		// address: judge that one.
		b := a.As16()
		if netip.MustParsePrefix("64:ff9b::/96").Contains(a) {
			return PublicAddress(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		}
		if netip.MustParsePrefix("2002::/16").Contains(a) {
			return PublicAddress(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	return true
}
