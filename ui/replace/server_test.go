package replace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
	"github.com/cairnbackup/cairn/ui/words"
)

// oldLaptop is a computer that backed up its home folder to a Cairn
// server as "ana-laptop". It stays open: the test checks it is signed out
// afterwards.
func oldLaptop(t *testing.T, url, fp string) *uitest.Archive {
	t.Helper()
	return oldLaptopWithKey(t, url, fp, device.KeyOptions{Mode: device.KeyPassword})
}

// oldLaptopWithKey is oldLaptop with its archive key protected as k says
// (the archive password is uitest.Password).
func oldLaptopWithKey(t *testing.T, url, fp string, k device.KeyOptions) *uitest.Archive {
	t.Helper()
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	_, err := a.Dev.AddServerDestinationWithKey(t.Context(), device.ServerSignIn{Name: "work", URL: url, User: "ana",
		Device: "ana-laptop", Fingerprint: fp, Password: func() ([]byte, error) { return []byte("account password"), nil }},
		k, uitest.PasswordFunc, crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dev.Backup(t.Context(), "work", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

// The old computer backed up to a server: sign in (trusting the server's
// certificate), pick it in the account's list, confirm; its own archive
// password is asked for once the account password did not open it: a
// wrong then the right one; bring everything over, finish. The old
// computer is signed out.
func TestReplaceFromAServer(t *testing.T) {
	url, fp := serverAt(t)
	old := oldLaptop(t, url, fp)
	listed, err := old.Dev.Devices(t.Context(), "work")
	if err != nil || len(listed) != 1 {
		t.Fatal(listed, err)
	}
	h := newComputer(t)
	h.open()
	h.atStep(1)
	w := h.s.where
	typeIn(w.address, url)
	typeIn(w.user, "ana")
	typeIn(w.name, "bob-desktop")
	typeIn(w.pass, "not my password")
	h.next()
	test.Tap(h.dialogButton("Cancel")) // the fingerprint is not trusted
	h.waitFor("the refusal", func() bool { return h.s.job == nil && w.problem.Visible() })
	if !strings.Contains(w.problem.Text, "You did not trust the server's certificate") {
		t.Fatalf("not trusted: %q", w.problem.Text)
	}
	h.next()
	trust := h.dialogButton("Trust")
	if !strings.Contains(h.shown(), "Compare this fingerprint") || !strings.Contains(h.shown(), splitFingerprint(fp)) {
		t.Fatalf("the fingerprint dialog says:\n%s", h.shown())
	}
	test.Tap(trust)
	h.waitFor("the wrong account password", func() bool { return h.s.job == nil && w.problem.Visible() })
	if want := words.Error(remote.ErrCredentials); w.problem.Text != want {
		t.Fatalf("wrong account password: %q", w.problem.Text)
	}
	typeIn(w.pass, "account password")
	h.next() // the fingerprint trusted is not asked again
	h.waitFor("the account's computers", func() bool {
		if h.w.Canvas().Overlays().Top() != nil {
			t.Fatalf("asked again after a wrong password:\n%s", h.shown())
		}
		return h.s.step == 2 && h.s.job == nil
	})

	page := h.shown()
	for _, want := range []string{"ana-laptop", words.Bytes(listed[0].Bytes), "Linux, last backed up"} {
		if !strings.Contains(page, want) {
			t.Errorf("the list does not show %q:\n%s", want, page)
		}
	}
	if h.s.pick.secret.Visible() {
		t.Fatal("a password is asked for before the account password was tried")
	}
	h.next()
	confirm := h.dialogButton("Replace it")
	if !strings.Contains(h.shown(), "This computer takes the place of ana-laptop. ana-laptop will be signed out of the backup and can no longer back up.") {
		t.Fatalf("the confirmation says:\n%s", h.shown())
	}
	test.Tap(confirm)
	h.waitFor("the question for the archive password", func() bool { return h.s.job == nil && h.s.pick.secret.Visible() })
	if got := h.s.pick.intro.Text; !strings.HasPrefix(got, "Your account password does not open the backup of ana-laptop") ||
		!strings.Contains(got, "an archive password of its own or with a key Cairn showed once for you to keep") ||
		strings.Contains(got, "IT department can recover it") { // its key was not left in escrow
		t.Fatalf("asking for the archive password: %q", got)
	}
	typeIn(h.s.pick.password, "not the archive password")
	h.next() // the same computer, confirmed already
	h.waitFor("the wrong archive password", func() bool {
		return h.s.job == nil && strings.HasPrefix(h.s.pick.problem.Text, "The password is not right.")
	})
	if got := h.s.pick.problem.Text; !strings.HasPrefix(got, "The password is not right.") ||
		!strings.Contains(got, "ana-laptop is signed out already") {
		t.Fatalf("wrong archive password: %q", got)
	}
	typeIn(h.s.pick.password, uitest.Password)
	h.next() // the same computer, confirmed already
	h.waitChoose()
	if st := h.dev.Replacing(); st == nil || st.OldDevice != "ana-laptop" {
		t.Fatalf("replacing %+v", st)
	}
	if ds := h.dev.Config().Destinations; len(ds) != 1 || ds[0].DeviceName != "bob-desktop" || ds[0].KeyMode != string(device.KeyPassword) {
		t.Fatalf("destinations %+v", ds)
	}
	h.next()
	h.atStep(5)
	if got := readFile(t, filepath.Join(h.home, "Pictures", "cairn.jpg")); got != uitest.Files["Pictures/cairn.jpg"] {
		t.Fatalf("picture: %q", got)
	}
	h.next()
	if h.finished != 1 || h.dev.Replacing() != nil {
		t.Fatal("Finish did not end the wizard")
	}
	if _, err := h.dev.Backup(t.Context(), "", device.BackupOptions{}); err != nil {
		t.Fatalf("the new computer's first backup: %v", err)
	}
	// The old laptop is signed out of the backup.
	if err := os.WriteFile(old.Path("late.txt"), []byte("too late"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := old.Dev.Backup(t.Context(), "work", device.BackupOptions{}); err == nil {
		t.Fatal("the replaced computer still backs up")
	}
}

// A server adoption cancelled while the old computer's backup is read
// leaves nothing behind on this computer, and can be tried again.
func TestCancelTheServerAdoption(t *testing.T) {
	url, fp := serverAt(t)
	oldLaptop(t, url, fp)
	h := newComputer(t)
	h.eng = &cutAdoption{Engine: h.dev, dev: h.dev}
	h.open()
	h.atStep(1)
	typeIn(h.s.where.address, url)
	typeIn(h.s.where.user, "ana")
	typeIn(h.s.where.pass, "account password")
	typeIn(h.s.where.fp, fp)
	h.next()
	h.atStep(2)
	typeIn(h.s.pick.password, uitest.Password)
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	test.Tap(h.s.stopBtn)
	h.waitFor("the cancellation", func() bool { return h.s.job == nil })
	if got := h.s.pick.problem.Text; got != "Cancelled." || len(h.dev.Config().Destinations) != 0 {
		t.Fatalf("after Cancel: %q, destinations %+v", got, h.dev.Config().Destinations)
	}
	h.next()
	h.waitChoose()
	h.next()
	h.atStep(5)
	if got := readFile(t, filepath.Join(h.home, "thesis", "chapter1.tex")); got != uitest.Files["thesis/chapter1.tex"] {
		t.Fatalf("chapter 1: %q", got)
	}
}

// The old computer chose the account-password option: the page says the
// account password opens its backup, asks for nothing more, and the
// account password typed at sign-in does open it.
func TestReplaceAServerArchiveOfTheAccountPassword(t *testing.T) {
	url, fp := serverAt(t)
	oldLaptopWithKey(t, url, fp, device.KeyOptions{Mode: device.KeyAccount})
	h := newComputer(t)
	h.open()
	h.atStep(1)
	typeIn(h.s.where.address, url)
	typeIn(h.s.where.user, "ana")
	typeIn(h.s.where.pass, "account password")
	typeIn(h.s.where.fp, fp)
	h.next()
	h.atStep(2)
	page := h.shown()
	if !strings.Contains(page, "Your account password opens the old computer's backup if it was set up with the account-password option") ||
		strings.Contains(page, "not your account password") || h.s.pick.secret.Visible() {
		t.Fatalf("the page asks for another secret:\n%s", page)
	}
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	h.waitChoose()
	if ds := h.dev.Config().Destinations; len(ds) != 1 || ds[0].KeyMode != string(device.KeyAccount) {
		t.Fatalf("destinations %+v", ds)
	}
}

// An archive password the organisation can recover (the old computer left
// its key in escrow) is asked for with those words.
func TestReplaceAnEscrowedArchiveSaysITCanRecoverIt(t *testing.T) {
	url, fp := cairntest.Server(t, cairntest.Options{Escrow: true})
	oldLaptopWithKey(t, url, fp, device.KeyOptions{Mode: device.KeyPassword, Escrow: true})
	h := newComputer(t)
	h.open()
	h.atStep(1)
	typeIn(h.s.where.address, url)
	typeIn(h.s.where.user, "ana")
	typeIn(h.s.where.pass, "account password")
	typeIn(h.s.where.fp, fp)
	h.next()
	h.atStep(2)
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	h.waitFor("the archive password asked", func() bool { return h.s.job == nil && h.s.pick.secret.Visible() })
	if got := h.s.pick.intro.Text; !strings.Contains(got, "your IT department can recover it") {
		t.Fatalf("asking for an escrowed archive's password: %q", got)
	}
	typeIn(h.s.pick.password, uitest.Password)
	h.next()
	h.waitChoose()
}
