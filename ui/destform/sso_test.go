package destform

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// ssoForm is the server form for a server with single sign-on, the
// browser played by the test: it signs in as name at the address the
// form opens.
func (h *harness) ssoForm(t *testing.T, sso *cairntest.SSO, name string) (*Form, chan error) {
	t.Helper()
	browser := make(chan error, 1)
	if h.deps.OpenURL == nil {
		h.deps.OpenURL = func(u *url.URL) error {
			go func() { browser <- sso.SignInBrowser(u.String(), name) }()
			return nil
		}
	}
	f := h.show(NewServerForm(h.w, h.deps, h.onAdded))
	test.Type(f.server.address, strings.TrimPrefix(sso.URL, "https://"))
	f.server.computer.SetText("laptop")
	return f, browser
}

// waitForButton waits until the form shows the single sign-on button.
func (h *harness) waitForButton(t *testing.T, f *Form) {
	t.Helper()
	h.q.Wait(t, "the sign-in button", func() bool { return f.server.sso.Offered() })
	if f.server.sso.Button.Text != "Sign in with "+cairntest.SSOLabel || !visible(h, f.server.sso.Button) {
		t.Fatalf("button %q", f.server.sso.Button.Text)
	}
}

// visible says whether o is shown in the window's content.
func visible(h *harness, o fyne.CanvasObject) bool {
	found := false
	uitest.Walk(h.w.Content(), func(x fyne.CanvasObject) { found = found || x == o })
	return found
}

// The form asks the server how to sign in once it knows the address and
// the fingerprint, shows "Sign in with Example University" beside the
// password fields, and signs in through the browser.
func TestSignInWithTheOrganisationsAccount(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	h := newHarness(t)
	f, browser := h.ssoForm(t, sso, "ada")
	test.Type(f.server.fingerprint, sso.Fingerprint) // IT gave it
	h.waitForButton(t, f)
	if !visible(h, f.server.password) {
		t.Error("the server takes passwords too, and the form hides the field")
	}

	f.server.key.choose(device.KeyPassword)
	test.Type(f.server.key.archive.pw, "archive password 1")
	test.Type(f.server.key.archive.again, "archive password 1")
	if dir := os.Getenv("CAIRN_SHOTS"); dir != "" {
		capture(t, h, dir, "signin-sso")
	}
	test.Tap(f.server.sso.Button)
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	if err := <-browser; err != nil {
		t.Fatal(err)
	}
	if len(h.added) != 1 || f.Problem() != "" {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
	d, _ := h.destination(h.added[0])
	if !d.SSO || d.KeyMode != string(device.KeyPassword) || !h.res.Created || d.DeviceName != "laptop" {
		t.Fatalf("destination %+v", d)
	}
}

// A self-signed server whose fingerprint nobody typed: Sign in with
// neither user name nor password asks to trust it, then shows the button.
func TestSignInAsksHowOnceTheCertificateIsTrusted(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	h := newHarness(t)
	f, _ := h.ssoForm(t, sso, "ada")
	f.Submit()
	h.q.Wait(t, "the fingerprint dialog", func() bool { return dialogButton(h.w, "Trust") != nil })
	test.Tap(dialogButton(h.w, "Trust"))
	h.waitForButton(t, f)
	if f.Problem() != "" || len(h.added) != 0 {
		t.Fatalf("problem %q, added %v", f.Problem(), h.added)
	}
	test.Tap(f.server.sso.Button) // the account password cannot protect the key
	if !strings.Contains(f.Problem(), "no account password") || f.Busy() {
		t.Fatalf("problem %q", f.Problem())
	}
}

// A server with passwords only shows no button.
func TestNoSignOnButtonForAPasswordServer(t *testing.T) {
	url, fp := startServer(t)
	h := newHarness(t)
	f := h.serverForm(t, url)
	test.Type(f.server.fingerprint, fp)
	h.q.Wait(t, "the server's answer", func() bool { return f.server.sso.Known })
	if f.server.sso.Offered() || visible(h, f.server.sso.Button) {
		t.Fatal("a sign-on button for a server without single sign-on")
	}
}

// A server with single sign-on that keeps keys for the organisation: the
// form chooses that key option, and the person signs in with nothing to
// type but the address and the fingerprint.
func TestSignInWithTheOrganisationsAccountAndKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sso := cairntest.SSOServer(t, cairntest.Options{Configure: func(o *server.Options) { o.KEK = ring }})
	sso.AddPerson("ada")
	h := newHarness(t)
	f, browser := h.ssoForm(t, sso, "ada")
	test.Type(f.server.fingerprint, sso.Fingerprint)
	h.waitForButton(t, f)
	if m := f.server.key.mode(); m != device.KeyOrganisation {
		t.Fatalf("key option %s", m)
	}
	test.Tap(f.server.sso.Button)
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	if err := <-browser; err != nil {
		t.Fatal(err)
	}
	if len(h.added) != 1 {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
	if d, _ := h.destination(h.added[0]); !d.SSO || d.KeyMode != string(device.KeyOrganisation) || f.Problem() != "" {
		t.Fatalf("destination %+v, problem %q", d, f.Problem())
	}
}

var codeText = regexp.MustCompile(`open (https://\S+/sso/device) and type the code ([A-Z]{4}-[A-Z]{4})\.`)

// When no browser opens, the form shows a code and an address to open on
// another device, and the sign-in finishes once it is approved there.
func TestSignInWithACodeWhenNoBrowserOpens(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("bo")
	h := newHarness(t)
	h.deps.OpenURL = func(*url.URL) error { return errors.New("no browser") }
	f, _ := h.ssoForm(t, sso, "bo")
	test.Type(f.server.fingerprint, sso.Fingerprint)
	h.waitForButton(t, f)
	f.server.key.choose(device.KeyCustom)
	test.Tap(f.server.sso.Button)
	var m []string
	h.q.Wait(t, "the code", func() bool { m = codeText.FindStringSubmatch(f.busyText.Text); return m != nil })
	approved := make(chan error, 1)
	go func() { approved <- sso.ApproveDevice(m[1], m[2], "bo") }()
	h.q.Wait(t, "the key", func() bool { return dialogButton(h.w, "I have kept it") != nil })
	test.Tap(dialogButton(h.w, "I have kept it"))
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	if err := <-approved; err != nil {
		t.Fatal(err)
	}
	if len(h.added) != 1 || f.Problem() != "" {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
}
