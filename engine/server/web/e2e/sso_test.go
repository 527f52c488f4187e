package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/server/web"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// ssoSite is the real server with the web pages and single sign-on
// through the real test OpenID Provider, wired as cairn-server serve
// wires them: the broker is a ssobroker.Lazy made by server.New, the
// pages start sign-ins through it and it finishes them in the pages.
type ssoSite struct {
	url  string
	ts   *httptest.Server
	p    *testservers.OIDCProvider
	data *server.Data
}

// newSSOSite starts the site; issuer, when not "", replaces the test
// provider's address (one where nothing answers, say).
func newSSOSite(t *testing.T, issuer string) *ssoSite {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(t.Context(), t.TempDir(), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	var handler http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	s := &ssoSite{url: "https://" + ts.Listener.Addr().String(), ts: ts, data: data}
	s.p = testservers.StartOIDC(t, ssobroker.CallbackURL(s.url))
	s.p.AddUser("ada", "ada-pw", "backup-users")
	s.p.AddUser("eve", "eve-pw", "students")
	cfg := oidcrp.Config{Issuer: s.p.Issuer, ClientID: s.p.ClientID, ClientSecret: s.p.ClientSecret,
		Scopes: []string{"openid", "profile", "email", "groups"}, AllowedGroups: []string{"backup-users"}}
	if issuer != "" {
		cfg.Issuer = issuer
	}
	newRP := func(ctx context.Context) (*oidcrp.RP, error) {
		return oidcrp.New(ctx, cfg, ssobroker.CallbackURL(s.url), nil)
	}
	var lazy *ssobroker.Lazy
	wb, err := web.New(web.Options{Records: data.Records, Blobs: data.Blobs, Logger: log, HashParams: passhash.Test,
		Sleep: func(context.Context, time.Duration) {},
		SSO: web.SSO{Label: "Example University", Start: func(w http.ResponseWriter, r *http.Request, next string) error {
			return lazy.StartWeb(w, r, next)
		}}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: log, HashParams: passhash.Test, Web: wb.Mount,
		SSOLabel: "Example University",
		SSO: func(accounts ssobroker.Accounts) http.Handler {
			lazy = ssobroker.NewLazy(newRP, ssobroker.Options{Accounts: accounts, BaseURL: s.url, ClientAddr: server.ClientAddr,
				Log: log, WebSignIn: wb.SignInSSO, WebRefused: wb.SSORefused})
			return lazy
		}})
	if err != nil {
		t.Fatal(err)
	}
	handler = srv.Handler()
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return s
}

// browser is a person's browser (testservers.Browser) that trusts the
// site's certificate.
func (s *ssoSite) browser() *testservers.Browser {
	b := testservers.NewBrowser()
	b.Client.Transport = s.ts.Client().Transport
	return b
}

func TestWebPagesSignInWithTheOrganisationsAccount(t *testing.T) {
	s := newSSOSite(t, "")
	b := s.browser()
	page, err := b.Get(s.url + "/web/signin")
	if err != nil || !strings.Contains(page.Body, `href="/web/sso">Sign in with Example University</a>`) ||
		!strings.Contains(page.Body, `id="password"`) {
		t.Fatalf("the sign-in page offers no single sign-on beside the password: %v\n%+v", err, page)
	}
	page, err = s.signIn(b, s.url+"/web/sso", "ada")
	if err != nil || page.URL.String() != s.url+"/web/devices" || !strings.Contains(page.Body, "<h1>My devices</h1>") ||
		!strings.Contains(page.Body, `<span class="who">ada</span>`) {
		t.Fatalf("ada did not land on her devices: %v\n%+v", err, page)
	}
	u, err := s.data.Records.User(t.Context(), "ada")
	if err != nil || u.Source != records.SourceOIDC {
		t.Errorf("the account made at the first sign-in: %v %+v", err, u)
	}
	// The session cookie works on the next pages, and its forms carry
	// the session's token.
	page, err = b.Get(s.url + "/web/account")
	if err != nil || page.URL.Path != "/web/account" || page.Status != http.StatusOK || !strings.Contains(page.Body, `name="csrf"`) {
		t.Fatalf("the session does not work: %v %+v", err, page)
	}
	page, err = b.Post(s.url+"/web/signout", url.Values{"csrf": {csrfOf(page.Body)}})
	if err != nil || !strings.Contains(page.Body, "You are signed out.") {
		t.Fatalf("sign out: %v %+v", err, page)
	}
	if !audited(t, s.data, "signin.sso", "ada") {
		t.Error(`no "signin.sso" in the audit log`)
	}
	// Asked for a page: the sign-in page's button leads back to it.
	page, err = b.Get(s.url + "/web/account")
	_, href, _ := strings.Cut(page.Body, `<a class="button primary" href="`)
	href, _, _ = strings.Cut(href, `"`)
	if err != nil || page.URL.Path != "/web/signin" || html.UnescapeString(href) != "/web/sso?next=%2Fweb%2Faccount" {
		t.Fatalf("the sign-in page for /web/account: %v %q %+v", err, href, page)
	}
	page, err = s.signIn(b, s.url+html.UnescapeString(href), "ada")
	if err != nil || page.URL.String() != s.url+"/web/account" {
		t.Fatalf("next: %v %+v", err, page)
	}
}

func TestWebSingleSignOnRefusalsAreShownOnTheSignInPage(t *testing.T) {
	s := newSSOSite(t, "")
	page, err := s.browser().SignIn(s.p, s.url+"/web/sso", "eve", "eve-pw")
	if err != nil || page.Status != http.StatusForbidden ||
		!strings.Contains(page.Body, "Your account is not allowed to use this backup service; ask your IT department.") ||
		!strings.Contains(page.Body, "Sign in with Example University") {
		t.Fatalf("eve, in no allowed group: %v\n%+v", err, page)
	}
	if _, err := s.signIn(s.browser(), s.url+"/web/sso", "ada"); err != nil {
		t.Fatal(err)
	}
	yes := true
	if err := s.data.Records.UpdateUser(t.Context(), "ada", records.UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	page, err = s.browser().SignIn(s.p, s.url+"/web/sso", "ada", "ada-pw")
	if err != nil || page.Status != http.StatusForbidden || !strings.Contains(page.Body, "Your account is disabled") ||
		strings.Contains(page.Body, "My devices") {
		t.Fatalf("ada, disabled: %v\n%+v", err, page)
	}
	if !audited(t, s.data, "signin.refused", "") {
		t.Error("the refusals are not in the audit log")
	}
}

func TestWebSingleSignOnNeverLeavesTheServer(t *testing.T) {
	s := newSSOSite(t, "")
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "/web/../sso/start",
		"javascript:alert(1)", "/web/%2e%2e/x", "%2F%2Fevil.example"} {
		b := s.browser()
		page, err := b.Get(s.url + "/web/signin?next=" + url.QueryEscape(next))
		if err != nil || strings.Contains(page.Body, "evil") || !strings.Contains(page.Body, `href="/web/sso">`) {
			t.Errorf("next %q on the sign-in page: %v\n%s", next, err, page.Body)
		}
		page, err = s.signIn(b, s.url+"/web/sso?next="+url.QueryEscape(next), "ada")
		if err != nil || page.URL.String() != s.url+"/web/devices" {
			t.Errorf("next %q: %v %+v", next, err, page)
		}
	}
}

func TestWebSingleSignOnWhenTheProviderIsDown(t *testing.T) {
	l := httptest.NewServer(http.NotFoundHandler()) // an address where no provider answers
	l.Close()
	s := newSSOSite(t, l.URL)
	page, err := s.browser().Get(s.url + "/web/sso")
	if err != nil || page.Status != http.StatusServiceUnavailable || page.URL.Path != "/web/sso" ||
		!strings.Contains(page.Body, "The sign-in with Example University cannot be reached right now.") ||
		!strings.Contains(page.Body, `id="password"`) {
		t.Fatalf("%v\n%+v", err, page)
	}
}

// The sign-in page with the button, in a real browser; a real sign-in at
// the provider's page; the screenshot goes to docs/screenshots (-shots).
func TestWebSingleSignOnInABrowser(t *testing.T) {
	chromium(t)
	s := newSSOSite(t, "")
	tb := newTab(t, s.url)
	tb.open("/web/signin")
	tb.waitFor("Sign in with Example University")
	shot := func(name string) {
		b, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(tb.shots, name), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	shot("web-signin-sso.png")
	atProvider := func(user string) {
		tb.do(chromedp.Click(`//a[text()="Sign in with Example University"]`), chromedp.WaitVisible(`//input[@name="username"]`),
			chromedp.SendKeys(`//input[@name="username"]`, user), chromedp.SendKeys(`//input[@name="password"]`, user+"-pw"),
			chromedp.Submit(`//input[@name="password"]`))
	}
	atProvider("eve")
	tb.waitFor("Your account is not allowed to use this backup service; ask your IT department.")
	shot("web-signin-sso-refused.png")
	atProvider("ada")
	tb.do(chromedp.WaitVisible(`//h1[text()="My devices"]`))
	tb.open("/web/account")
	if txt := tb.text(); !strings.Contains(txt, "Sign out ada") {
		t.Fatalf("the session does not hold in the browser:\n%s", txt)
	}
}

// signIn signs in at the provider from start and, as a browser does,
// follows the page that moves on from the callback (a meta refresh).
func (s *ssoSite) signIn(b *testservers.Browser, start, user string) (*testservers.Page, error) {
	page, err := b.SignIn(s.p, start, user, user+"-pw")
	if err != nil || page.Status != http.StatusOK {
		return page, err
	}
	_, rest, ok := strings.Cut(page.Body, `<meta http-equiv="refresh" content="0;url=`)
	if !ok {
		return page, fmt.Errorf("the page after the provider does not move on: %s", page.Body)
	}
	to, _, _ := strings.Cut(rest, `"`)
	if page.URL.Path != "/sso/callback" || !strings.HasPrefix(to, "/") {
		return page, fmt.Errorf("the page at %s moves on to %q", page.URL, to)
	}
	return b.Get(s.url + html.UnescapeString(to))
}

// csrfOf is the form token on a page.
func csrfOf(body string) string {
	_, rest, _ := strings.Cut(body, `name="csrf" value="`)
	token, _, _ := strings.Cut(rest, `"`)
	return token
}

// audited says whether the audit log has action by actor ("": anyone).
func audited(t *testing.T, data *server.Data, action, actor string) bool {
	t.Helper()
	entries, err := data.Records.Audit(t.Context(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action && (actor == "" || e.Actor == actor) {
			return true
		}
	}
	return false
}

// The device flow's pages in a real browser: a computer without a browser
// asks for a code, the person types it, and the page names that computer.
// Screenshots of each go to docs/screenshots (-shots).
func TestDeviceSignInPagesInABrowser(t *testing.T) {
	chromium(t)
	s := newSSOSite(t, "")
	resp, err := s.ts.Client().Post(s.url+"/api/v1/sso/device", "application/json",
		strings.NewReader(`{"device":"lab-pc-17","os":"linux"}`))
	if err != nil {
		t.Fatal(err)
	}
	var code struct {
		UserCode string `json:"user_code"`
	}
	err = json.NewDecoder(resp.Body).Decode(&code)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || code.UserCode == "" {
		t.Fatalf("device code: %d %v %+v", resp.StatusCode, err, code)
	}
	tb := newTab(t, s.url)
	shot := func(name string) {
		b, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(tb.shots, name), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	tb.open("/sso/device")
	tb.waitFor("Type the code the computer shows.")
	tb.do(chromedp.SendKeys(`//input[@name="user_code"]`, code.UserCode))
	shot("sso-device-code.png")
	tb.do(chromedp.Click(`//button[text()="Next"]`))
	tb.waitFor("Sign in the computer ‘lab-pc-17’ (linux) to Cairn?")
	shot("sso-device-confirm.png")
	// Continue posts to the provider; the test provider speaks plain HTTP,
	// and Chromium holds a form sent from HTTPS to HTTP behind a warning,
	// so the approval itself is tested with the cookie-jar browser
	// (internal/cairntest: ApproveDevice).
}
