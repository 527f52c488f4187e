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
	"github.com/cairnbackup/cairn/ui/uitest"
	"github.com/cairnbackup/cairn/ui/words"
)

// oldLaptop is a computer that backed up its home folder to a Cairn
// server as "ana-laptop". It stays open: the test checks it is signed out
// afterwards.
func oldLaptop(t *testing.T, url, fp string) *uitest.Archive {
	t.Helper()
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	_, err := a.Dev.AddServerDestination(t.Context(), device.ServerSignIn{Name: "work", URL: url, User: "ana",
		Device: "ana-laptop", Fingerprint: fp, Password: func() ([]byte, error) { return []byte("account password"), nil }},
		uitest.PasswordFunc, crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dev.Backup(t.Context(), "work", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

// The old computer backed up to a server: sign in (trusting the server's
// certificate), pick it in the account's list, confirm, a wrong then the
// right archive password, bring everything over, finish. The old computer
// is signed out.
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
	h.next()
	test.Tap(h.dialogButton("Trust"))
	h.atStep(2)

	page := h.shown()
	for _, want := range []string{"ana-laptop", words.Bytes(listed[0].Bytes), "Linux, last backed up"} {
		if !strings.Contains(page, want) {
			t.Errorf("the list does not show %q:\n%s", want, page)
		}
	}
	typeIn(h.s.pick.password, "not the archive password")
	h.next()
	confirm := h.dialogButton("Replace it")
	if !strings.Contains(h.shown(), "This computer takes the place of ana-laptop. ana-laptop will be signed out of the backup and can no longer back up.") {
		t.Fatalf("the confirmation says:\n%s", h.shown())
	}
	test.Tap(confirm)
	h.waitFor("the wrong archive password", func() bool { return h.s.job == nil && h.s.pick.problem.Visible() })
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
	if ds := h.dev.Config().Destinations; len(ds) != 1 || ds[0].DeviceName != "bob-desktop" {
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
