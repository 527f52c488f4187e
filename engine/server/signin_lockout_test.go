package server

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// A stranger guessing an administrator's password from one address does not
// keep them out from another: the limits are per address and per name from
// an address.
func TestSigninStrangerCannotLockOut(t *testing.T) {
	s := newTestServer(t)
	s.addUser("root", records.User{Admin: true})
	stranger, admin := s.from("127.0.0.2"), s.from("127.0.0.3")
	for i := range 5 {
		if got := s.signinFrom(stranger, "root", fmt.Sprint("guess", i)); got != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, got)
		}
	}
	if got := s.signinFrom(stranger, "root", "pw-root"); got != http.StatusTooManyRequests {
		t.Fatalf("the stranger's sixth try: %d, want 429", got)
	}
	if got := s.signinFrom(admin, "root", "pw-root"); got != http.StatusOK {
		t.Fatalf("the administrator, from another address: %d, want 200", got)
	}
}

// Guessing from many addresses reaches the account's own limit: then only
// the addresses the person signed in from lately get through, with the
// right password.
func TestSigninAccountLimitLetsKnownAddressesIn(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.AccountFailures = 8 })
	s.addUser("root", records.User{Admin: true})
	office := s.from("127.0.0.3")
	if got := s.signinFrom(office, "root", "pw-root"); got != http.StatusOK {
		t.Fatalf("first sign-in: %d", got)
	}
	for _, ip := range []string{"127.0.0.4", "127.0.0.5"} {
		c := s.from(ip)
		for i := range 4 {
			if got := s.signinFrom(c, "root", fmt.Sprint("guess", i)); got != http.StatusUnauthorized {
				t.Fatalf("guess %d from %s: %d", i, ip, got)
			}
		}
	}
	r, err := s.from("127.0.0.6").Post(s.ts.URL+"/api/v1/signin", "application/json",
		strings.NewReader(`{"user":"root","password":"pw-root","device":"laptop"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("from a new address after 8 failures elsewhere: %d, want 429", r.StatusCode)
	}
	if got := s.signinFrom(office, "root", "pw-root"); got != http.StatusOK {
		t.Fatalf("from the office, signed in from before: %d, want 200", got)
	}
	if got := s.signinFrom(office, "root", "wrong"); got != http.StatusUnauthorized {
		t.Fatalf("a wrong password from the office: %d, want 401", got)
	}
}

// X-Forwarded-For names the client only when the direct peer is a trusted
// proxy, and then only its rightmost address that is no trusted proxy.
func TestSigninForwardedFor(t *testing.T) {
	guess := func(s *testServer, xff string) {
		t.Helper()
		for i := range 5 {
			if got := s.signinFrom(s.ts.Client(), "ana", fmt.Sprint("guess", i), "X-Forwarded-For", xff); got != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i, got)
			}
		}
	}
	t.Run("ignored from an untrusted peer", func(t *testing.T) {
		s := newTestServer(t)
		s.addUser("ana", records.User{})
		guess(s, "203.0.113.7")
		if got := s.signinFrom(s.ts.Client(), "ana", "pw-ana", "X-Forwarded-For", "198.51.100.1"); got != http.StatusTooManyRequests {
			t.Fatalf("a made-up X-Forwarded-For escaped the limit: %d", got)
		}
		if strings.Contains(s.log.String(), "203.0.113.7") || !strings.Contains(s.log.String(), "remote=127.0.0.1") {
			t.Fatalf("logged the header's address:\n%s", s.log.String())
		}
	})
	t.Run("honoured from a trusted proxy", func(t *testing.T) {
		s := newTestServer(t, func(o *Options) { o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
		s.addUser("ana", records.User{})
		guess(s, "203.0.113.7")
		// The guesser writes another address in front: the proxy appends
		// the real one, which is what counts.
		if got := s.signinFrom(s.ts.Client(), "ana", "pw-ana", "X-Forwarded-For", "198.51.100.1, 203.0.113.7"); got != http.StatusTooManyRequests {
			t.Fatalf("an address written by the client was believed: %d", got)
		}
		if got := s.signinFrom(s.ts.Client(), "ana", "pw-ana", "X-Forwarded-For", "198.51.100.1"); got != http.StatusOK {
			t.Fatalf("ana behind the same proxy, from another address: %d", got)
		}
		if !strings.Contains(s.log.String(), "remote=203.0.113.7 proxy=127.0.0.1") {
			t.Fatalf("the log does not name the client and its proxy:\n%s", s.log.String())
		}
	})
}

func TestClientAddr(t *testing.T) {
	s := &Server{o: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}}
	for _, tc := range []struct {
		peer, xff, want string
	}{
		{"192.0.2.1:5000", "203.0.113.7", "192.0.2.1"},                     // not a proxy: the header is the client's own words
		{"10.0.0.1:5000", "", "10.0.0.1"},                                  // a proxy that says nothing
		{"10.0.0.1:5000", "203.0.113.7", "203.0.113.7"},                    // one proxy
		{"10.0.0.1:5000", "1.1.1.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"}, // two proxies; 1.1.1.1 is made up
		{"10.0.0.1:5000", "garbage, 10.0.0.2", "10.0.0.2"},                 // stop at what no proxy wrote
		{"10.0.0.1:5000", "::ffff:203.0.113.7", "203.0.113.7"},             // IPv4 in IPv6
		{"[fd00::1]:5000", "2001:db8::1", "2001:db8::1"},                   // IPv6 proxy
		{"10.0.0.1:5000", "10.0.0.3, 10.0.0.2", "10.0.0.3"},                // only proxies: the leftmost
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
}
