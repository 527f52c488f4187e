package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

func TestPageAfterSignInStaysOnThesePages(t *testing.T) {
	for next, want := range map[string]string{
		"":                                    "/web/devices",
		"/web/account":                        "/web/account",
		"/web/devices/x/browse?dir=/home/ana": "/web/devices/x/browse?dir=/home/ana",
		"/web/":                               "/web/",
		"https://evil.example/":               "/web/devices",
		"//evil.example/web/":                 "/web/devices",
		"/\\evil.example":                     "/web/devices",
		"/web\\..\\..\\x":                     "/web/devices",
		"/web/../sso/start":                   "/web/devices",
		"/web/%2e%2e/api/v1":                  "/web/devices",
		"/api/v1/devices":                     "/web/devices",
		"/web/\r\nSet-Cookie: x":              "/web/devices",
		"javascript:alert(1)":                 "/web/devices",
	} {
		if got := pageAfter(next); got != want {
			t.Errorf("pageAfter(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestWithoutSingleSignOnThePagesOfferOnlyThePassword(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	expectStatus(t, b.get("/web/sso"), http.StatusNotFound, "There is nothing here")
	if p := b.get("/web/signin"); p.status != http.StatusOK || strings.Contains(p.body, "/web/sso") {
		t.Fatalf("a single sign-on button without single sign-on:\n%s", p.body)
	}
}

// The broker vouched for an account that was disabled (or replaced) in
// the moment since: no session.
func TestSingleSignOnOfAnAccountDisabledSinceIsRefused(t *testing.T) {
	e := newEnv(t)
	yes := true
	if err := e.data.Records.UpdateUser(t.Context(), "ana", records.UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	for name, acct := range map[string]ssobroker.AccountRef{
		"disabled": {ID: strconv.FormatInt(e.ana.ID, 10), Name: "ana"},
		"replaced": {ID: "999", Name: "bob"},
		"gone":     {ID: "1000", Name: "carl"},
	} {
		rw := httptest.NewRecorder()
		e.web.SignInSSO(rw, httptest.NewRequest("GET", "/sso/callback?code=x&state=y", nil), acct, "/web/account")
		if rw.Code != http.StatusForbidden || len(rw.Result().Cookies()) != 1 || rw.Result().Cookies()[0].Name != signinCookie {
			t.Errorf("%s: %d %v\n%s", name, rw.Code, rw.Result().Cookies(), rw.Body)
		}
	}
}

// A page asked for before signing in is the page shown after, by either
// way of signing in; never a page elsewhere.
func TestSignInReturnsToThePageAskedFor(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.SSO = SSO{Label: "Example University", Start: func(http.ResponseWriter, *http.Request, string) error { return nil }}
	})
	b := e.browser()
	asked := "/web/devices/" + e.anaLaptop.ID + "/unlock"
	p := b.get(asked)
	want := "/web/signin?next=" + url.QueryEscape(asked)
	if p.status != http.StatusSeeOther || p.location() != want {
		t.Fatalf("%d %s, want %s", p.status, p.location(), want)
	}
	expectStatus(t, b.get(p.location()), http.StatusOK, `name="next" value="`+asked+`"`,
		`href="/web/sso?next=`+url.QueryEscape(asked)+`"`)
	p = b.post(want, "/web/signin", url.Values{"user": {"ana"}, "password": {"pw-ana"}, "next": {asked}})
	if p.status != http.StatusSeeOther || p.location() != asked {
		t.Fatalf("after the password: %d %s", p.status, p.location())
	}
	b = e.browser()
	p = b.post("/web/signin", "/web/signin", url.Values{"user": {"ana"}, "password": {"pw-ana"}, "next": {"//evil.example/"}})
	if p.status != http.StatusSeeOther || p.location() != "/web/devices" {
		t.Fatalf("next elsewhere: %d %s", p.status, p.location())
	}
	if p := e.browser().get("/web/signin?next=https://evil.example/"); strings.Contains(p.body, "evil") {
		t.Fatalf("the page carries next elsewhere:\n%s", p.body)
	}
}
