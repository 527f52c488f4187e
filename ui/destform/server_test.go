package destform

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func (h *harness) serverForm(t *testing.T, url string) *Form {
	t.Helper()
	f := h.show(NewServerForm(h.w, h.deps, h.onAdded))
	s := f.server
	test.Type(s.address, strings.TrimPrefix(url, "https://")) // people leave https:// out
	test.Type(s.user, "ana")
	s.computer.SetText("laptop")
	return f
}

// Signing in to a self-signed server shows its fingerprint; trusting it
// adds the destination with the certificate pinned.
func TestSignInTrustingTheFingerprint(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.serverForm(t, url)
	test.Type(f.server.password, "account password")
	f.Submit()
	h.q.Wait(t, "the fingerprint dialog", func() bool { return dialogButton(h.w, "Trust") != nil })
	shown := strings.ReplaceAll(dialogText(h.w), "\n", ":")
	if !strings.Contains(shown, fp[:23]) || !strings.Contains(shown, fp[len(fp)-23:]) {
		t.Fatalf("the dialog does not show %s:\n%s", fp, dialogText(h.w))
	}
	test.Tap(dialogButton(h.w, "Trust"))
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	if len(h.added) != 1 || f.Problem() != "" {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
	d, ok := h.destination("127.0.0.1")
	if !ok {
		t.Fatal("not in the configuration")
	}
	if d.Type != "server" || d.Fingerprint != fp || d.DeviceName != "laptop" || !h.res.Created || d.KeyMode != "account" {
		t.Fatalf("destination %+v, result %+v", d, h.res)
	}
}

func TestSignInWithAWrongPassword(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.serverForm(t, url)
	test.Type(f.server.fingerprint, fp) // IT gave it: no question asked
	test.Type(f.server.password, "not my password")
	f.Submit()
	h.q.Wait(t, "the sign-in to fail", func() bool { return !f.Busy() })
	if !strings.Contains(f.Problem(), "The user name or password is not right") {
		t.Fatalf("problem: %q", f.Problem())
	}
	if len(h.added) != 0 || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatal("a wrong password added a destination")
	}
	f.server.password.SetText("account password")
	f.Submit()
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	if len(h.added) != 1 || f.Problem() != "" {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
}

func TestNotTrustingChangesNothing(t *testing.T) {
	h := newHarness(t)
	url, _ := startServer(t)
	f := h.serverForm(t, url)
	test.Type(f.server.password, "account password")
	f.Submit()
	h.q.Wait(t, "the fingerprint dialog", func() bool { return dialogButton(h.w, "Trust") != nil })
	test.Tap(dialogButton(h.w, "Cancel"))
	h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })
	if !strings.Contains(f.Problem(), "did not trust") || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatalf("problem %q", f.Problem())
	}
}

func TestServerFieldsAreChecked(t *testing.T) {
	h := newHarness(t)
	f := h.show(NewServerForm(h.w, h.deps, h.onAdded))
	f.Submit()
	if !strings.Contains(f.Problem(), "server's address") || f.Busy() {
		t.Fatalf("no address: %q", f.Problem())
	}
	test.Type(f.server.address, "http://plain.example.org")
	f.Submit()
	if !strings.Contains(f.Problem(), "server's address") {
		t.Fatalf("http: %q", f.Problem())
	}
	f.server.address.SetText("backup.example.org:8443")
	f.server.password.SetText("a password") // with neither, the server is asked how to sign in (sso_test.go)
	f.Submit()
	if !strings.Contains(f.Problem(), "user name") {
		t.Fatalf("no user: %q", f.Problem())
	}
}

func TestSplitFingerprint(t *testing.T) {
	fp := strings.Repeat("ab:", 31) + "ab"
	got := splitFingerprint(fp)
	if lines := strings.Split(got, "\n"); len(lines) != 4 || lines[0] != strings.Repeat("ab:", 7)+"ab" {
		t.Fatalf("%q", got)
	}
}

// The fingerprint confirmed once is not asked again when the sign-in is
// tried again after a wrong password.
func TestTheFingerprintIsAskedOnce(t *testing.T) {
	h := newHarness(t)
	url, _ := startServer(t)
	f := h.serverForm(t, url)
	test.Type(f.server.password, "not my password")
	f.Submit()
	h.q.Wait(t, "the fingerprint dialog", func() bool { return dialogButton(h.w, "Trust") != nil })
	test.Tap(dialogButton(h.w, "Trust"))
	h.q.Wait(t, "the sign-in to fail", func() bool { return !f.Busy() })
	if !strings.Contains(f.Problem(), "The user name or password is not right") {
		t.Fatalf("problem: %q", f.Problem())
	}
	f.server.password.SetText("account password")
	f.Submit()
	asked := false
	h.q.Wait(t, "signed in, or asked again", func() bool {
		asked = dialogButton(h.w, "Trust") != nil
		return asked || !f.Busy()
	})
	if asked {
		test.Tap(dialogButton(h.w, "Cancel"))
		t.Fatal("the fingerprint was asked a second time")
	}
	if len(h.added) != 1 || f.Problem() != "" {
		t.Fatalf("added %v, problem %q", h.added, f.Problem())
	}
}
