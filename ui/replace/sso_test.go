package replace

import (
	"errors"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// ssoLaptop is ada's old computer, "ada-laptop", signed in to the server
// through single sign-on, its archive protected by uitest.Password, one
// backup made.
func ssoLaptop(t *testing.T, sso *cairntest.SSO) *uitest.Archive {
	t.Helper()
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	browser := make(chan error, 1)
	sign := device.ServerSignIn{Name: "work", URL: sso.URL, Device: "ada-laptop", Fingerprint: sso.Fingerprint, SSO: true,
		OpenBrowser: func(address string) error {
			go func() { browser <- sso.SignInBrowser(address, "ada") }()
			return nil
		}}
	if _, err := a.Dev.AddServerDestinationWithKey(t.Context(), sign, device.KeyOptions{Mode: device.KeyPassword},
		uitest.PasswordFunc, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := <-browser; err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dev.Backup(t.Context(), "work", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

// typeSSOServer types the server's address and fingerprint (IT gave it)
// and waits for the organisation's button.
func (h *harness) typeSSOServer(sso *cairntest.SSO) {
	h.t.Helper()
	w := h.s.where
	// Pasted, as IT's e-mail gives them (typing leaves each entry looking
	// focused in the test driver's pictures).
	w.address.SetText(strings.TrimPrefix(sso.URL, "https://"))
	w.fp.SetText(sso.Fingerprint)
	w.name.SetText("ada-desktop")
	h.waitFor("the sign-in button", func() bool { return w.sso.Offered() })
	if w.sso.Button.Text != "Sign in with "+cairntest.SSOLabel || !h.visible(w.sso.Button) {
		h.t.Fatalf("button %q, shown %v", w.sso.Button.Text, h.visible(w.sso.Button))
	}
}

// visible says whether o is in the window's content.
func (h *harness) visible(o fyne.CanvasObject) bool {
	found := false
	uitest.Walk(h.w.Content(), func(x fyne.CanvasObject) { found = found || x == o })
	return found
}

// capture saves the window as dir/name.png, for docs/screenshots.
func (h *harness) capture(dir, name string) {
	h.t.Helper()
	h.q.Run()
	h.w.Resize(uitest.Size.AddWidthHeight(1, 1)) // twice: wrapped text knows its height
	h.w.Resize(uitest.Size)                      // after one layout
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, h.w.Canvas().Capture()); err != nil {
		h.t.Fatal(err)
	}
}

// The old computer backed up to a server with single sign-on: the first
// page shows "Sign in with Example University" once the address is typed;
// one trip to the browser lists ada's computers (nothing is registered
// yet), and taking the old laptop over, with its archive password asked
// for, needs no second trip.
func TestReplaceFromAServerWithSingleSignOn(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	ssoLaptop(t, sso)
	h := newComputer(t)
	var opened atomic.Int32
	h.openURL = func(u *url.URL) error {
		opened.Add(1)
		go func() {
			if err := sso.SignInBrowser(u.String(), "ada"); err != nil {
				t.Errorf("the browser: %v", err)
			}
		}()
		return nil
	}
	h.open()
	h.atStep(1)
	h.typeSSOServer(sso)
	if !h.visible(h.s.where.pass) {
		t.Error("the server takes passwords too, and the page hides the field")
	}
	if dir := os.Getenv("CAIRN_SHOTS"); dir != "" {
		h.capture(dir, "replace-sso")
	}
	test.Tap(h.s.where.sso.Button)
	h.atStep(2)
	if dir := os.Getenv("CAIRN_SHOTS"); dir != "" {
		h.capture(dir, "replace-sso-pick")
	}
	page := h.shown()
	for _, want := range []string{"ada-laptop", "in your account", "If your organisation keeps the key"} {
		if !strings.Contains(page, want) {
			t.Errorf("the list does not say %q:\n%s", want, page)
		}
	}
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	h.waitFor("the question for the archive password", func() bool { return h.s.job == nil && h.s.pick.secret.Visible() })
	if got := h.s.pick.intro.Text; !strings.HasPrefix(got, "The backup of ada-laptop is protected with an archive password of its own") {
		t.Fatalf("asking for the archive password: %q", got)
	}
	typeIn(h.s.pick.password, uitest.Password)
	h.next()
	h.waitChoose()
	if n := opened.Load(); n != 1 {
		t.Errorf("the browser was opened %d times", n)
	}
	dst := h.dev.Config().Destinations[0]
	if !dst.SSO || dst.DeviceName != "ada-desktop" || dst.User != "ada" {
		t.Errorf("destination %+v", dst)
	}
}

var codeText = regexp.MustCompile(`open (https://\S+/sso/device) and type the code ([A-Z]{4}-[A-Z]{4})\.`)

// When no browser opens, the page shows a code to type on another
// device; once approved there, the computers are listed. Next with
// nothing typed signs in with the organisation too.
func TestSingleSignOnWithACodeWhenNoBrowserOpens(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	ssoLaptop(t, sso)
	h := newComputer(t)
	h.openURL = func(*url.URL) error { return errors.New("no browser") }
	h.open()
	h.atStep(1)
	h.typeSSOServer(sso)
	h.next()
	var m []string
	h.waitFor("the code", func() bool { m = codeText.FindStringSubmatch(h.s.busyText.Text); return m != nil })
	approved := make(chan error, 1)
	go func() { approved <- sso.ApproveDevice(m[1], m[2], "ada") }()
	h.atStep(2)
	if err := <-approved; err != nil {
		t.Fatal(err)
	}
	if page := h.shown(); !strings.Contains(page, "ada-laptop") {
		t.Fatalf("the list:\n%s", page)
	}
}

// A password-only server shows no button, and Next with nothing typed
// asks for the user name once the server said so.
func TestNoSignOnButtonForAPasswordServer(t *testing.T) {
	url, fp := serverAt(t)
	h := newComputer(t)
	h.open()
	h.atStep(1)
	w := h.s.where
	test.Type(w.address, url)
	test.Type(w.fp, fp)
	h.waitFor("the server's answer", func() bool { return w.sso.Known })
	if w.sso.Offered() || h.visible(w.sso.Button) {
		t.Fatal("a sign-on button for a server without single sign-on")
	}
	w.sso.Known = false // as before the answer
	h.next()
	h.waitFor("the refusal", func() bool { return h.s.job == nil && w.problem.Visible() })
	if w.problem.Text != "Type your user name." {
		t.Errorf("problem %q", w.problem.Text)
	}
}
