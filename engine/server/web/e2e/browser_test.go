package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/web"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

var shotsDir = flag.String("shots", "", "write a screenshot of each page to this folder (default: a temporary one, named in the log)")

const (
	anaAccount = "ana account password"
	anaArchive = "ana archive password"
)

// chromium finds the browser, or skips (fails with CAIRN_TEST_BROWSER=1).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium here: install Debian's chromium package (apt-get install chromium) to run the browser test"
	if os.Getenv("CAIRN_TEST_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// site is the real server with the pages, on TLS, holding ana's real
// backup; bob has a device too.
type site struct {
	url       string
	data      *server.Data
	src       string // ana's backed-up folder
	laptop    string // ana's device ID
	bobDevice string
	todoV1    []byte
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, t.TempDir(), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	for _, u := range []struct {
		name, pw string
		admin    bool
	}{{"ana", anaAccount, false}, {"bob", "bob account password", false}, {"root", "root account password", true}} {
		h, _ := passhash.Hash([]byte(u.pw), passhash.Test)
		if _, err := data.Records.AddUser(ctx, records.User{Name: u.name, PasswordHash: h, Admin: u.admin}); err != nil {
			t.Fatal(err)
		}
	}
	noSleep := func(context.Context, time.Duration) {}
	wb, err := web.New(web.Options{Records: data.Records, Blobs: data.Blobs, Logger: log, HashParams: passhash.Test, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: log, HashParams: passhash.Test, Sleep: noSleep, Web: wb.Mount})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { wb.Run(runCtx); close(done) }()
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); stop(); <-done })
	s := &site{url: ts.URL, data: data}
	s.backup(t, remote.Fingerprint(ts.Certificate().Raw))
	bob, _ := data.Records.User(ctx, "bob")
	d, err := data.Records.RegisterDevice(ctx, bob.ID, "desktop", "windows", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.bobDevice = d.ID
	return s
}

// backup makes ana's laptop back up to the server twice, with the client
// engine: todo.txt changes in between.
func (s *site) backup(t *testing.T, fp string) {
	dir := t.TempDir()
	s.src = filepath.Join(dir, "ana")
	photo := make([]byte, 300_000)
	rand.Read(photo)
	s.todoV1 = []byte("buy milk\n")
	write(t, s.src, "todo.txt", s.todoV1)
	write(t, s.src, "docs/report.txt", []byte("the quarterly report\n"))
	write(t, s.src, "docs/sub/notes.md", []byte("# notes\nsome words\n"))
	write(t, s.src, "docs/photo.jpg", photo)
	d, err := device.Open(filepath.Join(dir, "home"), device.Options{UserHome: s.src, Secrets: secrets.Folder(filepath.Join(dir, "secrets"))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.AddServerDestination(t.Context(), device.ServerSignIn{Name: "work", URL: s.url, User: "ana", Device: "laptop",
		Fingerprint: fp, Password: func() ([]byte, error) { return []byte(anaAccount), nil }},
		func(string, bool) ([]byte, error) { return []byte(anaArchive), nil }, crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddFiles(s.src); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Backup(t.Context(), "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // two versions a second apart at least
	write(t, s.src, "todo.txt", []byte("buy milk\ncall the bank\n"))
	if _, err := d.Backup(t.Context(), "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	s.laptop = d.Config().Destinations[0].DeviceID
}

func write(t *testing.T, root, rel string, b []byte) {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tab is the browser, with what the test needs around it.
type tab struct {
	t         *testing.T
	ctx       context.Context
	base      string
	shots     string
	downloads string
	n         int
}

func newTab(t *testing.T, base string) *tab {
	bin := chromium(t)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.IgnoreCertErrors, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 900))
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelTime)
	tb := &tab{t: t, ctx: ctx, base: base, shots: *shotsDir, downloads: t.TempDir()}
	if tb.shots == "" {
		tb.shots, _ = os.MkdirTemp("", "cairn-web-shots-")
	}
	os.MkdirAll(tb.shots, 0o755)
	t.Logf("screenshots in %s", tb.shots)
	tb.do(chromedp.Navigate("about:blank"))
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: tb.downloads, EventsEnabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

// open goes to a path and waits for its heading.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.base+path), chromedp.WaitVisible(chromedp.CSS("h1")))
}

// waitFor waits for a text on the page (XPath on the main element).
func (tb *tab) waitFor(text string) {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(`//main[contains(., "` + text + `")]`))
}

func (tb *tab) text() string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		tb.t.Fatal(err)
	}
	return s
}

func (tb *tab) shot(name string) {
	tb.t.Helper()
	tb.n++
	b, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tb.shots, fmt.Sprintf("%02d-%s.png", tb.n, name)), b, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// download clicks sel and returns the bytes of the file it downloads.
func (tb *tab) download(sel string) []byte {
	tb.t.Helper()
	progress := chromedp.BrowserEvents(tb.ctx, browser.DownloadProgress)
	tb.do(chromedp.Click(sel, chromedp.NodeVisible))
	for ev, err := range progress {
		if err != nil {
			tb.t.Fatal(err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(tb.downloads, ev.GUID))
			if err != nil {
				tb.t.Fatal(err)
			}
			return b
		case browser.DownloadProgressStateCanceled:
			tb.t.Fatal("the download was cancelled")
		}
	}
	return nil
}

func (tb *tab) signin(user, password string) {
	tb.t.Helper()
	tb.open("/web/")
	tb.do(chromedp.SendKeys(chromedp.ID("user"), user), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(`//h1[text()="My devices"]`))
}

func (tb *tab) signout() {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(`//h1[text()="Sign in"]`))
}

func TestRestoreFromABrowser(t *testing.T) {
	chromium(t)
	start := time.Now()
	s := newSite(t)
	t.Logf("server and backup ready in %v", time.Since(start))
	tb := newTab(t, s.url)

	tb.open("/web/")
	tb.shot("signin")
	tb.do(chromedp.SendKeys(chromedp.ID("user"), "ana"), chromedp.SendKeys(chromedp.ID("password"), "not it"),
		chromedp.Submit(chromedp.ID("password")))
	tb.waitFor("Wrong user name or password.")
	tb.shot("signin-wrong-password")
	tb.signin("ana", anaAccount)
	if txt := tb.text(); !strings.Contains(txt, "laptop") || strings.Contains(txt, "desktop") {
		t.Fatalf("ana's devices:\n%s", txt)
	}
	tb.shot("devices")

	// The archive password: a wrong one first.
	tb.do(chromedp.Click(`//a[text()="Open"]`), chromedp.WaitVisible(chromedp.ID("password")))
	tb.waitFor("The server uses your password to open your backup for this session only.")
	tb.shot("archive-password")
	tb.do(chromedp.SendKeys(chromedp.ID("password"), anaAccount), chromedp.Submit(chromedp.ID("password")))
	tb.waitFor("That password does not open this device's archive.")
	tb.shot("archive-password-wrong")
	tb.do(chromedp.SendKeys(chromedp.ID("password"), anaArchive), chromedp.Submit(chromedp.ID("password")))
	tb.waitFor("Backed-up folders")
	if txt := tb.text(); !strings.Contains(txt, "Europe/Paris") || !strings.Contains(txt, "your browser's time zone") {
		t.Fatalf("the browser's zone is not used:\n%s", txt)
	}
	tb.shot("browse-roots")

	// Into ana's folder, then docs.
	tb.do(chromedp.Click(`//a[@class="folder"][text()="ana/"]`), chromedp.WaitVisible(`//h2[contains(., "In `+filepath.ToSlash(s.src)+`")]`))
	tb.shot("browse-folder")
	tb.do(chromedp.Click(`//a[@class="folder"][text()="docs/"]`), chromedp.WaitVisible(`//a[text()="report.txt"]`))
	tb.shot("browse-docs")
	got := tb.download(`//a[text()="Download this folder as a zip"]`)
	checkZip(t, got, s.src, "docs")

	// Search by name from the top of ana's folder.
	tb.open("/web/devices/" + s.laptop + "/browse?q=notes&dir=" + filepath.ToSlash(s.src))
	tb.waitFor("docs/sub/notes.md")
	tb.shot("search")

	// The versions of todo.txt; the first one downloaded.
	tb.open("/web/devices/" + s.laptop + "/browse?dir=" + filepath.ToSlash(s.src))
	tb.do(chromedp.Click(`//a[text()="todo.txt"]`), chromedp.WaitVisible(`//h1[text()="Versions of todo.txt"]`))
	if n := strings.Count(tb.text(), "Download this version"); n != 2 {
		t.Fatalf("%d versions of todo.txt", n)
	}
	if !strings.Contains(tb.text(), "CET") {
		t.Fatal("the versions' times are not in the viewer's zone")
	}
	tb.shot("versions")
	if got := tb.download(`(//a[text()="Download this version"])[2]`); !bytes.Equal(got, s.todoV1) {
		t.Fatalf("first version of todo.txt: %q", got)
	}

	// Another person's device, typed in the address bar.
	tb.open("/web/devices/" + s.bobDevice + "/browse")
	if txt := tb.text(); !strings.Contains(txt, "There is nothing here") || strings.Contains(txt, "desktop") {
		t.Fatalf("bob's device:\n%s", txt)
	}
	tb.shot("another-users-device")

	// On a phone.
	tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	tb.open("/web/devices/" + s.laptop + "/browse?dir=" + filepath.ToSlash(s.src))
	tb.shot("browse-phone")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.signout()

	// The administrator sets a small cap, and looks around.
	tb.signin("root", "root account password")
	tb.open("/web/admin/")
	tb.shot("admin-overview")
	tb.open("/web/admin/users")
	tb.shot("admin-users")
	tb.open("/web/admin/users/ana")
	tb.shot("admin-user")
	tb.open("/web/admin/devices")
	tb.shot("admin-devices")
	tb.open("/web/admin/settings")
	tb.do(chromedp.SetValue(chromedp.ID("max_download"), "100 kB"), chromedp.Submit(chromedp.ID("max_download")))
	tb.waitFor("Settings saved.")
	tb.shot("admin-settings")
	tb.open("/web/admin/audit")
	if txt := tb.text(); !strings.Contains(txt, "download.zip") || !strings.Contains(txt, "download.file") {
		t.Fatalf("the audit log:\n%s", txt)
	}
	tb.shot("admin-audit")
	tb.signout()

	// Over the cap: a clear message, no download.
	tb.signin("ana", anaAccount)
	tb.open("/web/devices/" + s.laptop + "/unlock")
	tb.do(chromedp.SendKeys(chromedp.ID("password"), anaArchive), chromedp.Submit(chromedp.ID("password")))
	tb.waitFor("Backed-up folders")
	tb.open("/web/devices/" + s.laptop + "/browse?dir=" + filepath.ToSlash(s.src) + "/docs")
	tb.do(chromedp.Click(`//a[text()="Download this folder as a zip"]`), chromedp.WaitVisible(`//h1[text()="Too large to download here"]`))
	tb.waitFor("downloads from this page are limited to 100 kB each by your administrator")
	tb.shot("download-cap")
	t.Logf("whole test %v", time.Since(start))
}

// checkZip compares a downloaded zip of the folder name in root with the
// files on disk.
func checkZip(t *testing.T, b []byte, root, name string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the zip: %v (%d bytes)", err, len(b))
	}
	files := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		files++
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s in the zip differs from the original (%v)", f.Name, err)
		}
		if !strings.HasPrefix(f.Name, name+"/") {
			t.Fatalf("%s is not under %s/", f.Name, name)
		}
	}
	if files != 3 {
		t.Fatalf("%d files in the zip, want 3", files)
	}
}
