package ssobroker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// clock is a test's clock: it moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// accounts plays the server: everyone the provider signs in has an
// account named after them, unless listed in disabled; tokens are counted.
type accounts struct {
	mu       sync.Mutex
	disabled map[string]bool
	issued   []issued
	listed   int
}

type issued struct {
	Account ssobroker.AccountRef
	Device  ssobroker.DeviceRequest
}

func (a *accounts) Allow(_ context.Context, who oidcrp.Identity) (ssobroker.AccountRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.disabled[who.Name] {
		return ssobroker.AccountRef{}, &ssobroker.APIError{Status: http.StatusForbidden, Code: "disabled",
			Message: "your Cairn account is disabled: ask your IT department"}
	}
	return ssobroker.AccountRef{ID: "acct-" + who.Subject, Name: who.Name}, nil
}

func (a *accounts) IssueToken(_ context.Context, acct ssobroker.AccountRef, dev ssobroker.DeviceRequest) (ssobroker.TokenAnswer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if dev.Adopt == "gone" {
		return ssobroker.TokenAnswer{}, &ssobroker.APIError{Status: http.StatusNotFound, Code: "not_found",
			Message: "no such device"}
	}
	a.issued = append(a.issued, issued{acct, dev})
	return ssobroker.TokenAnswer{Token: fmt.Sprintf("token-%d-of-%s", len(a.issued), acct.ID),
		DeviceID: "0123456789abcdef0123456789abcdef", ServerTime: 1}, nil
}

// Devices lists two computers of every account (the replace-device
// wizard's sign-in), and counts the lists.
func (a *accounts) Devices(_ context.Context, acct ssobroker.AccountRef) ([]ssobroker.DeviceInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.listed++
	return []ssobroker.DeviceInfo{{ID: "11111111111111111111111111111111", Name: acct.Name + "-old-laptop", OS: "linux", Bytes: 7},
		{ID: "22222222222222222222222222222222", Name: acct.Name + "-desktop", OS: "windows", Retired: 5}}, nil
}

func (a *accounts) Listed() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.listed
}

func (a *accounts) Issued() []issued {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]issued(nil), a.issued...)
}

// world is a provider, a server mounting the broker on 127.0.0.1, and a
// loopback client's callback that records what arrives.
type world struct {
	p        *testservers.OIDCProvider
	base     string
	clock    *clock
	accounts *accounts
	store    *ssobroker.MemStore
	broker   *ssobroker.Broker
	mux      *http.ServeMux
	loopback string          // http://127.0.0.1:PORT/callback
	arrived  chan url.Values // what reached the loopback callback
}

func newWorld(t *testing.T, edit func(*ssobroker.Options)) *world {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	w := &world{base: srv.URL, clock: &clock{t: time.Unix(1_800_000_000, 0)},
		accounts: &accounts{disabled: map[string]bool{}}, arrived: make(chan url.Values, 16)}
	w.store = ssobroker.NewMemStore(w.clock.Now)
	w.p = testservers.StartOIDC(t, ssobroker.CallbackURL(w.base))
	w.p.AddUser("ada", "ada-pw", "backup-users")
	w.p.AddUser("eve", "eve-pw", "students")
	w.p.AddUser("bob", "bob-pw", "backup-users")
	w.accounts.disabled["bob"] = true
	rp, err := oidcrp.New(context.Background(), oidcrp.Config{Issuer: w.p.Issuer, ClientID: w.p.ClientID,
		ClientSecret: w.p.ClientSecret, Scopes: []string{"openid", "profile", "email", "groups"},
		AllowedGroups: []string{"backup-users"}}, ssobroker.CallbackURL(w.base), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := ssobroker.Options{RP: rp, Accounts: w.accounts, Store: w.store, BaseURL: w.base, Now: w.clock.Now}
	if edit != nil {
		edit(&o)
	}
	b, err := ssobroker.New(o)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/", b.Handler())
	w.broker, w.mux = b, mux
	w.loopback = w.startLoopback(t)
	return w
}

// startLoopback listens as a client does during the loopback flow.
func (w *world) startLoopback(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.arrived <- r.URL.Query()
		rw.Write([]byte("back at the client"))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String() + "/callback"
}

// startURL is the address a client opens for the loopback flow.
func (w *world) startURL(redirect, challenge, state string) string {
	return w.base + "/sso/start?" + url.Values{"redirect_uri": {redirect}, "code_challenge": {challenge},
		"code_challenge_method": {"S256"}, "state": {state}}.Encode()
}

// next is what the loopback callback received next.
func (w *world) next(t *testing.T) url.Values {
	t.Helper()
	select {
	case q := <-w.arrived:
		return q
	case <-time.After(time.Minute):
		t.Fatal("nothing reached the loopback callback")
		return nil
	}
}

// post sends JSON to the broker's API and decodes the answer.
func (w *world) post(t *testing.T, path string, in any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(in)
	resp, err := http.Post(w.base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: %d, not JSON: %v", path, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// noRedirects is a browser that stops at the first redirect.
func noRedirects(b *testservers.Browser) *http.Client {
	c := *b.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
