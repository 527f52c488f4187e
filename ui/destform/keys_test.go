package destform

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// customKey is how the engine shows a key: 13 groups of four.
var customKey = regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){12}`)

// keyForm is the server form filled in for ana, the fingerprint typed (so
// no question about the certificate), with the key option mode.
func (h *harness) keyForm(t *testing.T, url, fp string, mode device.KeyMode) *Form {
	t.Helper()
	f := h.serverForm(t, url)
	test.Type(f.server.fingerprint, fp)
	test.Type(f.server.password, "account password")
	f.server.key.choose(mode)
	return f
}

// signIn is ana's sign-in from the computer "laptop", for the engine
// directly (another computer, or what was there before).
func signIn(url, fp string) device.ServerSignIn {
	return device.ServerSignIn{Name: "work", URL: url, User: "ana", Device: "laptop", Fingerprint: fp,
		Password: func() ([]byte, error) { return []byte("account password"), nil }}
}

func fixed(pw string) device.PasswordFunc {
	return func(string, bool) ([]byte, error) { return []byte(pw), nil }
}

// The default is CrashPlan's: the account password protects the key, and
// the form says what that means.
func TestAddWithTheAccountPassword(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.serverForm(t, url)
	if f.server.key.mode() != device.KeyAccount {
		t.Fatalf("the default is %s", f.server.key.mode())
	}
	if note := f.server.key.note.String(); !strings.Contains(note, "Whoever runs the server could read your backup") {
		t.Fatalf("the account option does not say what it means: %q", note)
	}
	test.Type(f.server.fingerprint, fp)
	test.Type(f.server.password, "account password")
	f.Submit()
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	d, ok := h.destination("127.0.0.1")
	if !ok || f.Problem() != "" || d.KeyMode != "account" || d.Escrowed {
		t.Fatalf("destination %+v, problem %q", d, f.Problem())
	}
	// Another computer of ana's opens the archive with the account password.
	other := uitest.NewDevice(t).Dev
	if res, err := other.AddServerDestinationWithKey(context.Background(), signIn(url, fp), device.KeyOptions{Mode: device.KeyAccount},
		fixed("never asked"), crypt.TestKDF); err != nil || res.Created {
		t.Fatalf("the account password does not open the archive: %+v %v", res, err)
	}
}

func TestAddWithASeparateArchivePassword(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.keyForm(t, url, fp, device.KeyPassword)
	if !formHas(f, "Archive password") {
		t.Fatal("the archive password fields are not shown")
	}
	f.Submit()
	if f.server.key.archive.Hint() != "Choose a password for the archive." || f.Busy() {
		t.Fatalf("no archive password: %q", f.server.key.archive.Hint())
	}
	test.Type(f.server.key.archive.pw, "archive password 1")
	test.Type(f.server.key.archive.again, "archive password 1")
	f.Submit()
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	d, ok := h.destination("127.0.0.1")
	if !ok || f.Problem() != "" || d.KeyMode != "password" {
		t.Fatalf("destination %+v, problem %q", d, f.Problem())
	}
	other := uitest.NewDevice(t).Dev
	if _, err := other.AddServerDestinationWithKey(context.Background(), signIn(url, fp), device.KeyOptions{Mode: device.KeyAccount},
		fixed("never asked"), crypt.TestKDF); err == nil {
		t.Fatal("the account password opens an archive with a password of its own")
	}
	if res, err := other.AddServerDestinationWithKey(context.Background(), signIn(url, fp), device.KeyOptions{Mode: device.KeyPassword},
		fixed("archive password 1"), crypt.TestKDF); err != nil || res.Created {
		t.Fatalf("the archive password does not open the archive: %+v %v", res, err)
	}

	// Going back to the account option hides the fields again.
	f.server.key.choose(device.KeyAccount)
	if formHas(f, "Archive password") {
		t.Fatal("the archive password fields stay")
	}
}

// A key the person keeps: shown once after the sign-in, and the archive is
// made only once the person says they kept it.
func TestAddWithAKeyYouKeep(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.keyForm(t, url, fp, device.KeyCustom)
	f.Submit()
	h.q.Wait(t, "the key", func() bool { return dialogButton(h.w, "I have kept it") != nil })
	key := customKey.FindString(dialogText(h.w))
	if key == "" || dialogButton(h.w, "Save to a file…") == nil {
		t.Fatalf("the dialog shows no key, or no way to save it:\n%s", dialogText(h.w))
	}
	if len(h.a.Dev.Config().Destinations) != 1 || !f.Busy() || len(h.added) != 0 {
		t.Fatal("added before the person kept the key")
	}
	test.Tap(dialogButton(h.w, "I have kept it"))
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	d, ok := h.destination("127.0.0.1")
	if !ok || f.Problem() != "" || d.KeyMode != "custom" || len(h.added) != 1 {
		t.Fatalf("destination %+v, problem %q", d, f.Problem())
	}

	// Another computer asks for the key; the wrong one is said so; the
	// one shown opens the archive.
	g := newHarness(t)
	g.res.Created = true
	f2 := g.keyForm(t, url, fp, device.KeyCustom)
	f2.Submit()
	g.q.Wait(t, "the question", func() bool { return dialogButton(g.w, "Continue") != nil })
	test.Type(dialogEntry(g.w), strings.Repeat("AAAA-", 12)+"AAAA")
	test.Tap(dialogButton(g.w, "Continue"))
	g.q.Wait(t, "the wrong key", func() bool { return !f2.Busy() })
	if !strings.Contains(f2.Problem(), "That key does not open") {
		t.Fatalf("problem %q", f2.Problem())
	}
	f2.Submit()
	g.q.Wait(t, "the question", func() bool { return dialogButton(g.w, "Continue") != nil })
	test.Type(dialogEntry(g.w), strings.ToLower(key))
	test.Tap(dialogButton(g.w, "Continue"))
	g.q.Wait(t, "signed in", func() bool { return !f2.Busy() })
	if d, ok := g.destination("127.0.0.1"); !ok || f2.Problem() != "" || g.res.Created || d.KeyMode != "custom" {
		t.Fatalf("destination %+v %+v, problem %q", d, g.res, f2.Problem())
	}
}

func TestNotKeepingTheKeyAddsNothing(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.keyForm(t, url, fp, device.KeyCustom)
	f.Submit()
	h.q.Wait(t, "the key", func() bool { return dialogButton(h.w, "I have kept it") != nil })
	test.Tap(dialogButton(h.w, "Cancel"))
	h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })
	if len(h.a.Dev.Config().Destinations) != 1 || len(h.added) != 0 || f.Problem() != "Cancelled." {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
}

// The account option on a computer whose archive has a password of its own
// says so, in the words of the option.
func TestAccountPasswordThatDoesNotOpenTheArchive(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	if _, err := uitest.NewDevice(t).Dev.AddServerDestinationWithKey(context.Background(), signIn(url, fp),
		device.KeyOptions{Mode: device.KeyPassword}, fixed("separate one"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	f := h.keyForm(t, url, fp, device.KeyAccount)
	f.Submit()
	h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })
	if !strings.Contains(f.Problem(), "Your account password does not open this computer's backup") {
		t.Fatalf("problem %q", f.Problem())
	}
}

func TestEscrowOnAServerWithoutEscrow(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.keyForm(t, url, fp, device.KeyAccount)
	test.Tap(f.server.key.escrow)
	f.Submit()
	h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })
	if !strings.Contains(f.Problem(), "offers no key escrow") {
		t.Fatalf("problem %q", f.Problem())
	}
	if len(h.a.Dev.Config().Destinations) != 1 || len(h.added) != 0 {
		t.Fatal("added without the escrow chosen")
	}
}

func TestEscrowWithTheOrganisation(t *testing.T) {
	h := newHarness(t)
	url, fp := startServerWith(t, true)
	f := h.keyForm(t, url, fp, device.KeyPassword)
	test.Type(f.server.key.archive.pw, "archive password 1")
	test.Type(f.server.key.archive.again, "archive password 1")
	test.Tap(f.server.key.escrow)
	f.Submit()
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	d, ok := h.destination("127.0.0.1")
	if !ok || f.Problem() != "" || d.KeyMode != "password" || !d.Escrowed {
		t.Fatalf("destination %+v, problem %q", d, f.Problem())
	}
	if _, err := h.a.Dev.Escrowed(context.Background(), d.Name); err != nil {
		t.Fatalf("the server holds no escrow: %v", err)
	}
}

func TestWriteKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.txt")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("ABCD-", 12) + "ABCD"
	if err := writeKey(w, key, "heading"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "heading\n\n"+key+"\n" {
		t.Fatalf("%q %v", b, err)
	}
}

// In a dialog over a window of 800×600, the form fits without scrolling
// whatever the key option, a warning about the archive password included.
func TestServerFormFits(t *testing.T) {
	h := newHarness(t)
	f := NewServerForm(h.w, h.deps, h.onAdded)
	ShowDialog(h.w, "Sign in to a Cairn server", f)
	test.Type(f.server.key.archive.pw, "short")
	for _, m := range []device.KeyMode{device.KeyAccount, device.KeyPassword, device.KeyCustom} {
		f.server.key.choose(m)
		h.w.Resize(uitest.Size.AddWidthHeight(1, 1)) // twice: wrapped text knows its height
		h.w.Resize(uitest.Size)                      // after one layout
		scroll := f.Object().(*container.Scroll)
		if need, have := scroll.Content.MinSize().Height, scroll.Size().Height; need > have {
			t.Errorf("%s: the form needs %v, the dialog gives %v", m, need, have)
		}
		if m == device.KeyPassword && f.server.key.archive.Hint() == "" {
			t.Error("no warning about the short password")
		}
	}
}

// formHas says whether the form shows a row labelled label.
func formHas(f *Form, label string) bool {
	found := false
	uitest.Walk(f.Object(), func(o fyne.CanvasObject) {
		if form, ok := o.(*widget.Form); ok {
			for _, it := range form.Items {
				found = found || it.Text == label
			}
		}
	})
	return found
}
