package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// ssoAccounts plays the server's accounts behind the broker.
type ssoAccounts struct {
	mu     sync.Mutex
	issued []ssobroker.DeviceRequest
}

func (a *ssoAccounts) Allow(_ context.Context, who oidcrp.Identity) (ssobroker.AccountRef, error) {
	return ssobroker.AccountRef{ID: who.Subject, Name: who.Name}, nil
}

func (a *ssoAccounts) IssueToken(_ context.Context, acct ssobroker.AccountRef, dev ssobroker.DeviceRequest) (ssobroker.TokenAnswer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.issued = append(a.issued, dev)
	return ssobroker.TokenAnswer{Token: "token-for-" + acct.ID, DeviceID: devID, ServerTime: time.Now().UnixNano()}, nil
}

// ssoWorld is a Cairn server (TLS, pinned by fingerprint) mounting the
// broker, the real test OpenID Provider behind it, and a browser that
// trusts the server's certificate.
type ssoWorld struct {
	url, fingerprint string
	p                *testservers.OIDCProvider
	browser          *testservers.Browser
	accounts         *ssoAccounts
}

func newSSOWorld(t *testing.T) *ssoWorld {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	w := &ssoWorld{url: srv.URL, fingerprint: Fingerprint(srv.Certificate().Raw), browser: testservers.NewBrowser(),
		accounts: &ssoAccounts{}}
	w.browser.Client.Transport = srv.Client().Transport
	w.p = testservers.StartOIDC(t, ssobroker.CallbackURL(srv.URL))
	w.p.AddUser("ada", "ada-pw", "backup-users")
	w.p.AddUser("eve", "eve-pw", "students")
	rp, err := oidcrp.New(context.Background(), oidcrp.Config{Issuer: w.p.Issuer, ClientID: w.p.ClientID,
		ClientSecret: w.p.ClientSecret, Scopes: []string{"openid", "profile", "groups"},
		AllowedGroups: []string{"backup-users"}}, ssobroker.CallbackURL(srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ssobroker.New(ssobroker.Options{RP: rp, Accounts: w.accounts, BaseURL: srv.URL, PollInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/", b.Handler())
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) { rw.Write([]byte("ok")) })
	return w
}

// browserSignIn plays the person: the browser opens the address and signs
// in; its last page goes to pages.
func (w *ssoWorld) browserSignIn(user string, pages chan<- *testservers.Page) func(string) error {
	return func(address string) error {
		go func() {
			page, err := w.browser.SignIn(w.p, address, user, user+"-pw")
			if err != nil {
				page = &testservers.Page{Body: err.Error()}
			}
			pages <- page
		}()
		return nil
	}
}

func TestSignInSSOThroughTheBrowser(t *testing.T) {
	w := newSSOWorld(t)
	pages := make(chan *testservers.Page, 1)
	var shown string
	acct, err := SignInSSO(context.Background(), w.url, SSOOptions{Fingerprint: w.fingerprint, Device: "ada-laptop",
		OS: "linux", Show: func(a string) { shown = a }, OpenBrowser: w.browserSignIn("ada", pages)})
	if err != nil {
		t.Fatal(err)
	}
	if acct.DeviceID != devID || acct.Token == "" {
		t.Errorf("account %+v", acct)
	}
	if !strings.HasPrefix(shown, w.url+"/sso/start?") {
		t.Errorf("shown %q", shown)
	}
	if page := <-pages; page.Status != http.StatusOK || !strings.Contains(page.Body, "This computer is signed in to Cairn") {
		t.Errorf("the browser's last page: %+v", page)
	}
	if len(w.accounts.issued) != 1 || w.accounts.issued[0].Device != "ada-laptop" {
		t.Errorf("issued %+v", w.accounts.issued)
	}
}

func TestSignInSSOIgnoresAnswersOfAnotherState(t *testing.T) {
	w := newSSOWorld(t)
	pages := make(chan *testservers.Page, 1)
	sign := w.browserSignIn("ada", pages)
	var forged *testservers.Page
	open := func(address string) error {
		u, _ := url.Parse(address)
		var err error
		forged, err = w.browser.Get(u.Query().Get("redirect_uri") + "?code=stolen&state=not-this-one")
		if err != nil {
			return err
		}
		return sign(address)
	}
	if _, err := SignInSSO(context.Background(), w.url, SSOOptions{Fingerprint: w.fingerprint, Device: "d", OS: "linux",
		OpenBrowser: open}); err != nil {
		t.Fatal(err)
	}
	if forged.Status != http.StatusBadRequest || !strings.Contains(forged.Body, "not for the sign-in Cairn is waiting for") {
		t.Errorf("an answer with another state: %+v", forged)
	}
	<-pages
}

func TestSignInSSORefusedSaysWhy(t *testing.T) {
	w := newSSOWorld(t)
	pages := make(chan *testservers.Page, 1)
	_, err := SignInSSO(context.Background(), w.url, SSOOptions{Fingerprint: w.fingerprint, Device: "d", OS: "linux",
		OpenBrowser: w.browserSignIn("eve", pages)})
	if !errors.Is(err, ErrSSONotAllowed) {
		t.Errorf("eve: %v", err)
	}
	if page := <-pages; !strings.Contains(page.Body, "not allowed to use this backup service") {
		t.Errorf("the browser's last page: %+v", page)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SignInSSO(ctx, w.url, SSOOptions{Fingerprint: w.fingerprint, Device: "d"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	other := strings.Repeat("00:", 31) + "00"
	if _, err := SignInSSO(context.Background(), w.url, SSOOptions{Fingerprint: other, Device: "d", OpenBrowser: func(string) error {
		return fmt.Errorf("no browser here")
	}}); !errors.Is(err, ErrFingerprint) {
		t.Errorf("another certificate: %v", err)
	}
}

var csrfInPage = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// approveDevice plays the person on their phone: open the address, check
// the computer's name, answer, and sign in.
func (w *ssoWorld) approveDevice(dc DeviceCode, answer string) (*testservers.Page, error) {
	page, err := w.browser.Get(dc.VerificationURIComplete)
	if err != nil {
		return nil, err
	}
	m := csrfInPage.FindStringSubmatch(page.Body)
	if m == nil || !strings.Contains(page.Body, "Sign in the computer ‘lab-pc-12’ (Linux) to Cairn?") {
		return page, errors.New("the approval page does not name the computer")
	}
	page, err = w.browser.Post(dc.VerificationURI, url.Values{"step": {"confirm"}, "user_code": {dc.UserCode},
		"csrf": {m[1]}, "answer": {answer}})
	if err != nil || answer != "yes" {
		return page, err
	}
	return w.browser.Post(w.p.Issuer+"/login", url.Values{"id": {page.URL.Query().Get("authRequestID")},
		"username": {"ada"}, "password": {"ada-pw"}})
}

func TestSignInDevice(t *testing.T) {
	w := newSSOWorld(t)
	for _, answer := range []string{"yes", "no"} {
		pages := make(chan *testservers.Page, 1)
		acct, err := SignInDevice(context.Background(), w.url, DeviceOptions{Fingerprint: w.fingerprint,
			Device: "lab-pc-12", OS: "Linux", Show: func(dc DeviceCode) {
				if !strings.HasPrefix(dc.VerificationURI, w.url+"/sso/device") || len(dc.UserCode) != 9 ||
					time.Until(dc.Expires) <= 0 {
					t.Errorf("shown %+v", dc)
				}
				go func() {
					page, err := w.approveDevice(dc, answer)
					if err != nil {
						t.Errorf("approve: %v %+v", err, page)
					}
					pages <- page
				}()
			}})
		page := <-pages
		switch answer {
		case "yes":
			if err != nil || acct.DeviceID != devID || !strings.Contains(page.Body, "is signed in to Cairn as ada") {
				t.Errorf("approved: %v %+v, page %+v", err, acct, page)
			}
		case "no":
			if !errors.Is(err, ErrSSODenied) {
				t.Errorf("declined: %v", err)
			}
		}
	}
	if len(w.accounts.issued) != 1 || w.accounts.issued[0].Device != "lab-pc-12" || w.accounts.issued[0].OS != "Linux" {
		t.Errorf("issued %+v", w.accounts.issued)
	}
}
