package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// clock is a settable server clock.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// env is the real server with the pages mounted, over real records, on an
// httptest TLS server; archives are fakes opened by the password "secret".
type env struct {
	t     *testing.T
	clock *clock
	data  *server.Data
	web   *Web
	ts    *httptest.Server
	opts  Options

	mu     sync.Mutex
	opened map[string]*fakeArchive // by device

	ana, bob, root        records.User
	anaLaptop, bobDesktop records.Device
}

func newEnv(t *testing.T, mod ...func(*Options)) *env {
	t.Helper()
	c := &clock{}
	c.ns.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(t.Context(), t.TempDir(), c.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	e := &env{t: t, clock: c, data: data, opened: map[string]*fakeArchive{}}
	e.opts = Options{Records: data.Records, Logger: log, Now: c.Now, HashParams: passhash.Test,
		Sleep: func(context.Context, time.Duration) {}, ServerZone: time.UTC, OpenArchive: e.openFake}
	for _, m := range mod {
		m(&e.opts)
	}
	if e.web, err = New(e.opts); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: log, Now: c.Now, HashParams: passhash.Test,
		Sleep: func(context.Context, time.Duration) {}, Web: e.web.Mount})
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewTLSServer(srv.Handler())
	t.Cleanup(e.ts.Close)
	e.ana, e.bob = e.addUser("ana", false), e.addUser("bob", false)
	e.root = e.addUser("root", true)
	e.anaLaptop = e.addDevice(e.ana, "laptop")
	e.bobDesktop = e.addDevice(e.bob, "desktop")
	return e
}

func (e *env) openFake(ctx context.Context, device string, password []byte) (Archive, error) {
	if string(password) != "secret" {
		return nil, engine.ErrWrongPassword
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	f := newFakeArchive()
	e.opened[device] = f
	return f, nil
}

func (e *env) fake(device string) *fakeArchive {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.opened[device]
}

// addUser makes an account with the password "pw-<name>".
func (e *env) addUser(name string, admin bool) records.User {
	e.t.Helper()
	h, _ := passhash.Hash([]byte("pw-"+name), passhash.Test)
	u, err := e.data.Records.AddUser(e.t.Context(), records.User{Name: name, PasswordHash: h, Admin: admin, Created: e.clock.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) addDevice(u records.User, name string) records.Device {
	e.t.Helper()
	d, err := e.data.Records.RegisterDevice(e.t.Context(), u.ID, name, "linux", e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// browser is one person's browser: a cookie jar, redirects not followed
// (tests look at them).
type browser struct {
	e      *env
	c      *http.Client
	header http.Header // added to every request
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := *e.ts.Client() // its transport trusts the test certificate
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{e: e, c: &c, header: http.Header{}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (p page) location() string { return p.header.Get("Location") }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (p page) csrf() string {
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return m[1]
}

func (b *browser) do(method, path string, form url.Values) page {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.ts.URL+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	all, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(all)}
}

func (b *browser) get(path string) page { return b.do("GET", path, nil) }

// post sends a form with the token of the page at from.
func (b *browser) post(from, path string, form url.Values) page {
	b.e.t.Helper()
	token := b.get(from).csrf()
	if token == "" {
		b.e.t.Fatalf("no form token on %s", from)
	}
	form.Set("csrf", token)
	return b.do("POST", path, form)
}

// signin signs in and returns the answer to the form.
func (b *browser) signin(user, password, zone string) page {
	b.e.t.Helper()
	return b.post("/web/signin", "/web/signin", url.Values{"user": {user}, "password": {password}, "tz": {zone}})
}

func (b *browser) mustSignin(user string) {
	b.e.t.Helper()
	if p := b.signin(user, "pw-"+user, ""); p.status != http.StatusSeeOther || p.location() != "/web/devices" {
		b.e.t.Fatalf("sign in %s: %d %s", user, p.status, p.body)
	}
}

func (b *browser) unlock(device string, password string) page {
	b.e.t.Helper()
	return b.post("/web/devices", "/web/devices/"+device+"/unlock", url.Values{"password": {password}})
}

func expectStatus(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("got %d, want %d\n%s", p.status, status, p.body)
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) {
			t.Fatalf("the page does not say %q:\n%s", c, p.body)
		}
	}
}
