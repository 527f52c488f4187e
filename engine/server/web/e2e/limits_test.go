package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/web"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// limitsSite is the real server and pages on TLS, with the web options
// a test chooses, and real archives made by the client engine. No browser:
// the pages are read over HTTP.
type limitsSite struct {
	t    *testing.T
	url  string
	fp   string
	ts   *httptest.Server
	data *server.Data
	web  *web.Web
}

func newLimitsSite(t *testing.T, archives webarchive.PoolOptions) *limitsSite {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, t.TempDir(), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	for _, name := range []string{"ana", "bob"} {
		h, _ := passhash.Hash([]byte(name+" account password"), passhash.Test)
		if _, err := data.Records.AddUser(ctx, records.User{Name: name, PasswordHash: h}); err != nil {
			t.Fatal(err)
		}
	}
	noSleep := func(context.Context, time.Duration) {}
	wb, err := web.New(web.Options{Records: data.Records, Blobs: data.Blobs, Logger: log, HashParams: passhash.Test,
		Sleep: noSleep, Archives: archives})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: log, HashParams: passhash.Test, Sleep: noSleep, Web: wb.Mount})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &limitsSite{t: t, ts: ts, url: ts.URL, fp: remote.Fingerprint(ts.Certificate().Raw), data: data, web: wb}
}

// backup makes a computer of user back up files small files to the site
// with the client engine; it returns the device's ID.
func (s *limitsSite) backup(user, deviceName string, files int) string {
	t := s.t
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "home")
	for i := range files {
		write(t, src, fmt.Sprintf("d%02d/file-%05d.txt", i%20, i), fmt.Appendf(nil, "file %d of %s", i, deviceName))
	}
	d, err := device.Open(filepath.Join(dir, "cairn"), device.Options{UserHome: src, Secrets: secrets.Folder(filepath.Join(dir, "secrets"))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.AddServerDestination(t.Context(), device.ServerSignIn{Name: "work", URL: s.url, User: user, Device: deviceName,
		Fingerprint: s.fp, Password: func() ([]byte, error) { return []byte(user + " account password"), nil }},
		func(string, bool) ([]byte, error) { return []byte(user + " archive password"), nil }, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := d.AddFiles(src); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Backup(t.Context(), "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d.Config().Destinations[0].DeviceID
}

// webSession is one browser's session on the pages.
type webSession struct {
	s *limitsSite
	c *http.Client
}

var csrfInPage = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (s *limitsSite) signin(user string) *webSession {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := *s.ts.Client() // its transport trusts the test certificate
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ws := &webSession{s: s, c: &c}
	status, body := ws.post("/web/signin", "/web/signin", url.Values{"user": {user}, "password": {user + " account password"}})
	if status != http.StatusSeeOther {
		s.t.Fatalf("sign in %s: %d %s", user, status, body)
	}
	return ws
}

func (ws *webSession) do(req *http.Request) (int, string) {
	ws.s.t.Helper()
	resp, err := ws.c.Do(req)
	if err != nil {
		ws.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends a form with the token of the page at from.
func (ws *webSession) post(from, path string, form url.Values) (int, string) {
	ws.s.t.Helper()
	req, _ := http.NewRequest("GET", ws.s.url+from, nil)
	_, page := ws.do(req)
	m := csrfInPage.FindStringSubmatch(page)
	if m == nil {
		ws.s.t.Fatalf("no form token on %s", from)
	}
	form.Set("csrf", m[1])
	req, _ = http.NewRequest("POST", ws.s.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return ws.do(req)
}

func (ws *webSession) unlock(deviceID, password string) (int, string) {
	ws.s.t.Helper()
	return ws.post("/web/devices", "/web/devices/"+deviceID+"/unlock", url.Values{"password": {password}})
}

func (ws *webSession) signout() {
	ws.s.t.Helper()
	if status, body := ws.post("/web/devices", "/web/signout", url.Values{}); status != http.StatusSeeOther {
		ws.s.t.Fatalf("sign out: %d %s", status, body)
	}
}

func expectPage(t *testing.T, status int, body string, want int, says ...string) {
	t.Helper()
	if status != want {
		t.Fatalf("got %d, want %d:\n%s", status, want, body)
	}
	for _, s := range says {
		if !strings.Contains(body, s) {
			t.Fatalf("the page does not say %q:\n%s", s, body)
		}
	}
}

// TestWebUnlockRefusesACostlyKeyFile: a computer uploads, through the API,
// a key file asking Argon2id for 1 GiB and 100 passes; unlocking on the web
// says why it cannot, without running it (the server grew by about 970 MiB
// for one request before the cap).
func TestWebUnlockRefusesACostlyKeyFile(t *testing.T) {
	s := newLimitsSite(t, webarchive.PoolOptions{})
	ctx := t.Context()
	acct, err := remote.SignIn(ctx, s.url, s.fp, "ana", "ana account password", "old laptop", "linux")
	if err != nil {
		t.Fatal(err)
	}
	b, err := remote.Open(remote.Config{URL: s.url, DeviceID: acct.DeviceID, Token: acct.Token, Fingerprint: s.fp, Spool: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := repo.Init(ctx, b, []byte("ana archive password"), repo.InitOptions{KDF: crypt.TestKDF}); err != nil {
		t.Fatal(err)
	}
	var own string
	b.List(ctx, store.KindKey, func(n string, _ int64) error { own = n; return nil })
	hostile := crypt.WrappedKey{Version: 1, KDF: "argon2id", Params: crypt.KDFParams{Time: 100, Memory: 1 << 20, Threads: 4},
		Salt: make([]byte, 16), Sealed: make([]byte, crypt.NonceSize+crypt.KeySize+crypt.TagSize)}
	data, _ := hostile.Marshal()
	if err := store.Save(ctx, b, store.KindKey, "00000000000000ff", data); err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(ctx, store.KindKey, own); err != nil {
		t.Fatal(err)
	}
	if err := b.Drain(ctx); err != nil {
		t.Fatal(err)
	}

	ana := s.signin("ana")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	status, body := ana.unlock(acct.DeviceID, "ana archive password")
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	expectPage(t, status, body, http.StatusUnprocessableEntity,
		"This archive&#39;s key uses key-derivation settings above what this server will run (256 MiB of memory and 10 passes at most); restore it with the Cairn app.")
	grew := int64(after.HeapSys) - int64(before.HeapSys)
	t.Logf("refused in %v; the heap taken from the system grew by %.1f MiB", took.Round(time.Millisecond), float64(grew)/(1<<20))
	if grew > 128<<20 {
		t.Fatalf("the heap grew by %d MiB: the key derivation ran", grew>>20)
	}
}

// TestWebArchivesSharedAndCapped: one person's 8 sessions keep one archive
// in memory; a second archive of the same person, and archives beyond the
// server's memory cap, are refused in words.
func TestWebArchivesSharedAndCapped(t *testing.T) {
	probe := newLimitsSite(t, webarchive.PoolOptions{})
	one := probe.backup("ana", "laptop", 300)
	probe.signin("ana").unlock(one, "ana archive password")
	_, size := probe.web.OpenArchives()
	if size <= 0 {
		t.Fatalf("an open archive keeps %d bytes", size)
	}

	// Room for one such archive, not two (all three hold 300 files).
	s := newLimitsSite(t, webarchive.PoolOptions{PerUser: 1, Memory: size + size/2})
	laptop := s.backup("ana", "laptop", 300)
	desktop := s.backup("ana", "desktop", 300)
	bobs := s.backup("bob", "desktop", 300)
	var sessions []*webSession
	for range 8 {
		ws := s.signin("ana")
		status, body := ws.unlock(laptop, "ana archive password")
		expectPage(t, status, body, http.StatusSeeOther)
		sessions = append(sessions, ws)
	}
	if n, _ := s.web.OpenArchives(); n != 1 {
		t.Fatalf("8 sessions of one person keep %d archives", n)
	}
	const oneOpen = "You have another archive open on this server: close it first (“Close this backup” on its page, " +
		"in each browser it is open in), or wait: an archive closes by itself 15 minutes after its last use."
	req, _ := http.NewRequest("GET", s.url+"/web/devices/"+desktop+"/unlock", nil)
	status, body := sessions[0].do(req) // said before the password is typed
	expectPage(t, status, body, http.StatusOK, oneOpen)
	status, body = sessions[0].unlock(desktop, "ana archive password")
	expectPage(t, status, body, http.StatusConflict, oneOpen)
	bob := s.signin("bob")
	status, body = bob.unlock(bobs, "bob archive password")
	expectPage(t, status, body, http.StatusServiceUnavailable, "Too many archives are open on this server right now; try again in a few minutes.")

	for _, ws := range sessions[:7] {
		ws.signout()
	}
	if n, _ := s.web.OpenArchives(); n != 1 {
		t.Fatalf("closed with a session still using it: %d open", n)
	}
	sessions[7].signout() // the last session: the archive is forgotten
	waitUntil(t, "the archive forgotten", func() bool { n, _ := s.web.OpenArchives(); return n == 0 })
	status, body = bob.unlock(bobs, "bob archive password")
	expectPage(t, status, body, http.StatusSeeOther)
}

// waitUntil polls cond with a generous deadline.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}
