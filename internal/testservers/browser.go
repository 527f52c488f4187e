package testservers

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// Browser plays a person's web browser in tests of sign-in flows: it keeps
// cookies, follows redirects and fills in the test OpenID Provider's login
// form.
type Browser struct {
	Client *http.Client
}

// NewBrowser returns a browser with an empty cookie jar.
func NewBrowser() *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{Client: &http.Client{Jar: jar, Timeout: time.Minute}}
}

// SignIn opens start (an address that leads to the provider's sign-in),
// signs in there as user with password, and returns the page the browser
// ends on (its body read into Body) after all redirects.
func (b *Browser) SignIn(p *OIDCProvider, start, user, password string) (*Page, error) {
	page, err := b.Get(start)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(page.URL.String(), p.Issuer+"/login") {
		return page, fmt.Errorf("the browser did not reach the provider's sign-in page but %s (%d)", page.URL, page.Status)
	}
	return b.Post(p.Issuer+"/login", url.Values{"id": {page.URL.Query().Get("authRequestID")},
		"username": {user}, "password": {password}})
}

// Page is where a browser ended up.
type Page struct {
	URL    *url.URL
	Status int
	Body   string
}

// Get loads a page, following redirects.
func (b *Browser) Get(u string) (*Page, error) { return b.page(b.Client.Get(u)) }

// Post submits a form, following redirects.
func (b *Browser) Post(u string, form url.Values) (*Page, error) {
	return b.page(b.Client.PostForm(u, form))
}

func (b *Browser) page(resp *http.Response, err error) (*Page, error) {
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return &Page{URL: resp.Request.URL, Status: resp.StatusCode, Body: string(body)}, nil
}
