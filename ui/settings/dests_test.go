package settings

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// addFolder adds a folder destination through the Add a folder dialog.
func (h *harness) addFolder(t *testing.T, path, name string) {
	t.Helper()
	test.Tap(h.button(t, "Add a folder or drive…"))
	test.Type(h.entry(t, "Folder"), path)
	h.entry(t, "Name").SetText(name)
	test.Type(h.entry(t, "Archive password"), "second drive password")
	test.Type(h.entry(t, "Type it again"), "second drive password")
	test.Tap(h.button(t, "Add"))
	h.q.Wait(t, "the dialog to close", func() bool { return h.w.Canvas().Overlays().Top() == nil })
}

func TestAddAFolder(t *testing.T) {
	h := newHarness(t)
	drive := filepath.Join(h.a.Root, "drive2", "Cairn")
	h.addFolder(t, drive, "Second drive")
	if len(h.a.Dev.Config().Destinations) != 2 || h.changes != 1 {
		t.Fatalf("destinations %+v, changes told %d", h.a.Dev.Config().Destinations, h.changes)
	}
	if !h.shows("Second drive") {
		t.Error("the list does not show it")
	}
	// Another computer finds an archive there, under that password.
	res, err := openDevice(t).AddFolderDestination(background, "found", drive, password("second drive password"), crypt.TestKDF)
	if err != nil || res.Created {
		t.Fatalf("the folder holds no archive: %+v %v", res, err)
	}
}

func TestRemoveADestination(t *testing.T) {
	h := newHarness(t)
	drive := filepath.Join(h.a.Root, "drive2", "Cairn")
	h.addFolder(t, drive, "Second drive")
	// The second row's Remove button: the last one on the screen.
	test.Tap(h.button(t, "Remove"))
	if !h.shows("The backup itself stays where it is") {
		t.Fatal("the confirmation does not say the backup stays")
	}
	test.Tap(h.button(t, "Cancel"))
	if len(h.a.Dev.Config().Destinations) != 2 {
		t.Fatal("removed without confirmation")
	}
	test.Tap(h.button(t, "Remove"))
	test.Tap(h.button(t, "Remove")) // the dialog's
	h.q.Wait(t, "the removal", func() bool { return len(h.a.Dev.Config().Destinations) == 1 })
	if got := h.a.Dev.Config().Destinations[0].Name; got != uitest.DestName {
		t.Fatalf("the wrong one went: %s is left", got)
	}
	h.q.Wait(t, "the list", func() bool { return !h.shows("Second drive") })
	if entries, err := os.ReadDir(drive); err != nil || len(entries) == 0 {
		t.Fatalf("the archive went too: %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	h := newHarness(t)
	open := func() {
		t.Helper()
		test.Tap(h.button(t, "Change password…"))
		h.entry(t, "Current password").SetText("")
	}
	open()
	test.Type(h.entry(t, "Current password"), "not the password")
	test.Type(h.entry(t, "New password"), "a brand new password")
	test.Type(h.entry(t, "Type it again"), "a brand new password")
	test.Tap(h.button(t, "Change password"))
	h.q.Wait(t, "the wrong password", func() bool { return h.shows("The password is not right") })

	h.entry(t, "Current password").SetText(uitest.Password)
	test.Tap(h.button(t, "Change password"))
	h.q.Wait(t, "the change", func() bool { return h.shows("opens with the new password only") })
	test.Tap(h.button(t, "OK"))

	other := openDevice(t)
	if _, err := other.AddFolderDestination(background, "old", h.a.Drive, password(uitest.Password), crypt.TestKDF); err == nil {
		t.Fatal("the old password still opens the archive")
	}
	if _, err := other.AddFolderDestination(background, "new", h.a.Drive, password("a brand new password"), crypt.TestKDF); err != nil {
		t.Fatalf("the new password does not open it: %v", err)
	}
}

func TestChangePasswordChecksTheFields(t *testing.T) {
	h := newHarness(t)
	test.Tap(h.button(t, "Change password…"))
	test.Tap(h.button(t, "Change password"))
	if !h.shows("Type the current password") {
		t.Fatal("no error for an empty current password")
	}
	test.Type(h.entry(t, "Current password"), uitest.Password)
	test.Type(h.entry(t, "New password"), "one")
	test.Type(h.entry(t, "Type it again"), "two")
	test.Tap(h.button(t, "Change password"))
	if !h.shows("not the same") {
		t.Fatal("no error for a mismatch")
	}
	h.entry(t, "New password").SetText("short")
	h.entry(t, "Type it again").SetText("short")
	test.Tap(h.button(t, "Change password"))
	if !h.shows("This password protects everything on the drive") {
		t.Fatal("a 5-character password for a drive was not refused")
	}
	test.Tap(h.button(t, "Cancel"))
	if h.w.Canvas().Overlays().Top() != nil {
		t.Fatal("Cancel left the dialog open")
	}
}

func TestSignOutOfAServer(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	_, err := h.a.Dev.AddServerDestination(background, device.ServerSignIn{Name: "Work", URL: url, User: "ana",
		Device: "laptop", Fingerprint: fp, Password: func() ([]byte, error) { return []byte("account password"), nil }},
		password("archive password"), crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	h.s.Shown()
	if !h.shows("Server: "+url) || !h.shows("Key: protected by its archive password") {
		t.Fatal("the list does not show the server, or how its key is protected")
	}
	test.Tap(h.button(t, "Sign out and remove"))
	if !h.shows("The backup itself stays on the server") {
		t.Fatal("the confirmation does not say the backup stays")
	}
	test.Tap(h.button(t, "Sign out and remove")) // the dialog's
	h.q.Wait(t, "the sign-out", func() bool { return len(h.a.Dev.Config().Destinations) == 1 })
	h.q.Wait(t, "the list", func() bool { return !h.shows("Server: ") })
}

// Each server destination says what protects its key, and the list says
// once where this computer keeps keys. Change password is only for an
// archive password.
func TestKeysAreDescribed(t *testing.T) {
	h := newHarness(t)
	url, fp := startServerWith(t, true)
	signIn := func(name, computer string) device.ServerSignIn {
		return device.ServerSignIn{Name: name, URL: url, User: "ana", Device: computer, Fingerprint: fp,
			Password: func() ([]byte, error) { return []byte("account password"), nil }}
	}
	if _, err := h.a.Dev.AddServerDestinationWithKey(background, signIn("Work", "laptop"),
		device.KeyOptions{Mode: device.KeyAccount, Escrow: true}, password("never asked"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	custom := device.KeyOptions{Mode: device.KeyCustom, ShowCustomKey: func(string) error { return nil }}
	if _, err := h.a.Dev.AddServerDestinationWithKey(background, signIn("Private", "laptop 2"), custom, password("never asked"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	h.s.Shown()
	for _, want := range []string{"Key: protected by your account password, escrowed with your organisation", "Key: your own key"} {
		if !h.shows(want) {
			t.Errorf("the list does not say %q", want)
		}
	}
	if n := h.buttons("Change password…"); n != 1 {
		t.Errorf("%d Change password buttons, want the folder's only", n)
	}
	where := map[string]string{
		secrets.KindKeyring.Description(): "Keys are kept in the system keyring.",
		secrets.KindFolder.Description():  "Keys are kept in a private file in Cairn's folder, because this computer has no keyring service.",
	}[h.a.Dev.SecretsDescription()]
	if where == "" || !h.shows(where) {
		t.Errorf("the list does not say where keys are kept (%q)", h.a.Dev.SecretsDescription())
	}
}

// startServer runs the real Cairn server in this process on 127.0.0.1, with
// a self-signed certificate and the user ana ("account password"), without
// key escrow.
func startServer(t *testing.T) (url, fingerprint string) {
	t.Helper()
	return startServerWith(t, false)
}

// startServerWith is startServer; withEscrow makes the organisation's
// escrow key, as cairn-server escrow init does.
func startServerWith(t *testing.T, withEscrow bool) (url, fingerprint string) {
	t.Helper()
	return cairntest.Server(t, cairntest.Options{Escrow: withEscrow})
}
