package cairntest

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// SSOLabel is the organisation's name on an SSOServer's sign-in button.
const SSOLabel = "Example University"

// SSO is the real Cairn server with single sign-on through the real test
// OpenID Provider, which lets in the people of group backup-users.
type SSO struct {
	URL, Fingerprint string
	Provider         *testservers.OIDCProvider
}

// SSOServer starts the server as Server does (ana still has a password),
// with single sign-on. The broker is made at its first request, once the
// server's address is known; it lets a device poll every second.
func SSOServer(t testing.TB, o Options) *SSO {
	t.Helper()
	s := &SSO{Provider: testservers.StartOIDC(t)}
	var once sync.Once
	var broker http.Handler
	base := make(chan string, 1)
	configure := o.Configure
	o.Configure = func(so *server.Options) {
		if configure != nil {
			configure(so)
		}
		so.SSOLabel = SSOLabel
		so.SSO = func(accounts ssobroker.Accounts) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				once.Do(func() { broker = s.broker(t, <-base, accounts) })
				broker.ServeHTTP(w, r)
			})
		}
	}
	s.URL, s.Fingerprint = Server(t, o)
	base <- s.URL
	s.Provider.SetRedirectURIs(ssobroker.CallbackURL(s.URL))
	return s
}

func (s *SSO) broker(t testing.TB, base string, accounts ssobroker.Accounts) http.Handler {
	rp, err := oidcrp.New(context.Background(), oidcrp.Config{Issuer: s.Provider.Issuer, ClientID: s.Provider.ClientID,
		ClientSecret: s.Provider.ClientSecret, Scopes: []string{"openid", "profile", "groups"},
		AllowedGroups: []string{"backup-users"}}, ssobroker.CallbackURL(base), nil)
	if err != nil {
		t.Error(err)
		return http.NotFoundHandler()
	}
	b, err := ssobroker.New(ssobroker.Options{RP: rp, Accounts: accounts, BaseURL: base,
		ClientAddr: server.ClientAddr, PollInterval: time.Second})
	if err != nil {
		t.Error(err)
		return http.NotFoundHandler()
	}
	return b.Handler()
}

// AddPerson adds a person allowed to use the service; their password at
// the provider is name + "-pw".
func (s *SSO) AddPerson(name string) { s.Provider.AddUser(name, name+"-pw", "backup-users") }

// Browser is a person's browser that trusts the server's certificate, as
// the person did.
func (s *SSO) Browser() *testservers.Browser {
	b := testservers.NewBrowser()
	want, _ := remote.ParseFingerprint(s.Fingerprint)
	b.Client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || sha256.Sum256(raw[0]) != want {
				return errors.New("not the server's certificate")
			}
			return nil
		}}}
	return b
}

// SignInBrowser opens the address a client shows for the loopback flow
// in a new browser and signs in there as name; it fails unless the client
// answered that the computer is signed in.
func (s *SSO) SignInBrowser(address, name string) error {
	page, err := s.Browser().SignIn(s.Provider, address, name, name+"-pw")
	if err != nil {
		return err
	}
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "signed in") {
		return fmt.Errorf("the browser ended on %s (%d): %s", page.URL, page.Status, page.Body)
	}
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// ApproveDevice plays the person of the device flow on another device:
// opens address, types the code, continues and signs in as name.
func (s *SSO) ApproveDevice(address, userCode, name string) error {
	b := s.Browser()
	page, err := b.Get(address + "?user_code=" + url.QueryEscape(userCode))
	if err != nil {
		return err
	}
	m := csrfField.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		return fmt.Errorf("the page for code %s: %d %s", userCode, page.Status, page.Body)
	}
	page, err = b.Post(strings.TrimSuffix(s.URL, "/")+"/sso/device", url.Values{"step": {"confirm"},
		"user_code": {userCode}, "csrf": {m[1]}, "answer": {"yes"}})
	if err != nil {
		return err
	}
	if !strings.HasPrefix(page.URL.String(), s.Provider.Issuer+"/login") {
		return fmt.Errorf("Continue led to %s (%d): %s", page.URL, page.Status, page.Body)
	}
	page, err = b.Post(s.Provider.Issuer+"/login", url.Values{"id": {page.URL.Query().Get("authRequestID")},
		"username": {name}, "password": {name + "-pw"}})
	if err != nil {
		return err
	}
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "signed in") {
		return fmt.Errorf("the approval ended on %s (%d): %s", page.URL, page.Status, page.Body)
	}
	return nil
}
