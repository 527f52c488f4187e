package replace

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
	"github.com/cairnbackup/cairn/ui/words"
)

// adoptDrive goes through the first two pages for the old computer's
// drive, with the right password, and waits for the third.
func (h *harness) adoptDrive(a *uitest.Archive) {
	h.t.Helper()
	h.atStep(1)
	h.s.where.kind.SetSelected("To a folder or an external drive")
	typeIn(h.s.where.folder, a.Drive)
	h.next()
	h.atStep(2)
	typeIn(h.s.pick.password, uitest.Password)
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	h.waitChoose()
}

// waitChoose waits for the third page, filled in.
func (h *harness) waitChoose() {
	h.t.Helper()
	h.waitFor("what to bring over", func() bool { return h.s.step == 3 && h.s.choose != nil && h.s.job == nil })
}

// A new computer takes over the old one's drive: a wrong password first,
// then the right one; two folders come over into their places with the
// settings; the summary says so, and Finish ends the wizard.
func TestReplaceFromADrive(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	h.open()
	h.atStep(1)
	if !strings.Contains(h.s.stepText.Text, "Step 1 of 5") {
		t.Fatalf("step indicator %q", h.s.stepText.Text)
	}
	h.s.where.kind.SetSelected("To a folder or an external drive")
	h.next()
	if !strings.Contains(h.shown(), "Choose the folder, or type its path.") {
		t.Fatalf("no folder: %s", h.shown())
	}
	typeIn(h.s.where.folder, a.Drive)
	h.next()
	h.atStep(2)

	typeIn(h.s.pick.password, "not the password")
	h.next()
	if !strings.Contains(h.shown(), "This computer takes the place of the computer that backed up to") {
		t.Fatalf("the confirmation says:\n%s", h.shown())
	}
	test.Tap(h.dialogButton("Replace it"))
	wrong := words.Error(engine.ErrWrongPassword)
	h.waitFor("the wrong password to be refused", func() bool { return h.s.pick.problem.Visible() && h.s.pick.problem.Text == wrong })
	if h.dev.Replacing() != nil || len(h.dev.Config().Destinations) != 0 {
		t.Fatalf("a refused password changed the engine: %+v %v", h.dev.Replacing(), h.dev.Config().Destinations)
	}
	typeIn(h.s.pick.password, uitest.Password)
	h.next() // confirmed already: no second question
	h.waitChoose()
	st := h.dev.Replacing()
	if st == nil || st.Step != config.ReplaceChoose || st.OldHome != a.ArchivePath("") {
		t.Fatalf("replace state after adoption: %+v", st)
	}
	page := h.shown()
	for _, want := range []string{"Documents", "thesis", "Music", "Pictures", "Folders chosen for backup", "Exclusions",
		"How often to back up and which versions to keep", "The old computer ran Linux",
		"From " + a.ArchivePath("") + " to " + h.home} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %q:\n%s", want, page)
		}
	}

	h.s.choose.files.SetSelected("Selected folders")
	h.next()
	if !strings.Contains(h.shown(), "Choose at least one folder") {
		t.Fatalf("no folder chosen: %s", h.shown())
	}
	test.Tap(h.check("Documents"))
	test.Tap(h.check("thesis"))
	// This computer has a report of its own where the old one comes.
	mine := filepath.Join(h.home, "Documents", "report.txt")
	if err := os.MkdirAll(filepath.Dir(mine), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("my own report"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.next()
	h.atStep(5)
	aside, _ := filepath.Glob(filepath.Join(h.home, "Documents", "report (*).txt"))
	if len(aside) != 1 || readFile(t, aside[0]) != "my own report" {
		t.Fatalf("this computer's report was not kept aside: %v", aside)
	}
	if !strings.Contains(h.shown(), "1 file of this computer was in the way. It was renamed to keep it:") ||
		!strings.Contains(h.shown(), filepath.Base(aside[0])) {
		t.Errorf("the summary does not name the report moved aside:\n%s", h.shown())
	}

	for rel, data := range uitest.Files {
		_, err := os.Stat(filepath.Join(h.home, filepath.FromSlash(rel)))
		chosen := strings.HasPrefix(rel, "Documents/") || strings.HasPrefix(rel, "thesis/")
		switch {
		case chosen && err != nil:
			t.Errorf("%s was not brought over: %v", rel, err)
		case chosen && readFile(t, filepath.Join(h.home, filepath.FromSlash(rel))) != data:
			t.Errorf("%s came over with the wrong content", rel)
		case !chosen && err == nil:
			t.Errorf("%s was not chosen but came over", rel)
		}
	}
	sel := h.dev.Selection()
	if !slices.Equal(sel.Include, []string{filepath.ToSlash(h.home)}) || !slices.Contains(sel.Exclude, "*.iso") {
		t.Fatalf("the old selection did not come over into the new home: %+v", sel)
	}
	if time.Duration(h.dev.Config().BackupEvery) != 3*time.Hour {
		t.Fatalf("the backup frequency did not come over: %v", h.dev.Config().BackupEvery)
	}
	summary := h.shown()
	for _, want := range []string{"5 files brought over", "They are in their places in " + h.home,
		"Folders chosen for backup", "Exclusions", "How often to back up"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary does not say %q:\n%s", want, summary)
		}
	}
	if h.s.nextBtn.Text != "Finish" {
		t.Fatalf("the last button says %q", h.s.nextBtn.Text)
	}
	h.next()
	if h.dev.Replacing() != nil || h.finished != 1 {
		t.Fatalf("after Finish: replacing %+v, OnFinished called %d times", h.dev.Replacing(), h.finished)
	}
}

// The wizard closed after the adoption opens again at what to bring over.
func TestResumeAfterAdoption(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	h.open()
	h.adoptDrive(a)
	h.restart()
	h.waitChoose()
	if !strings.Contains(h.s.title.Text, "What should come over from") || h.s.backBtn.Visible() {
		t.Fatalf("resumed at %q (Back shown: %v)", h.s.title.Text, h.s.backBtn.Visible())
	}
	if _, err := h.dev.Backup(t.Context(), "", device.BackupOptions{}); err == nil {
		t.Fatal("a backup ran while the wizard was unfinished")
	}
}

// A transfer cancelled, then Cairn closed: the wizard opens at the
// transfer, and Continue finishes it.
func TestResumeAfterACancelledTransfer(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	hold := &holdTransfer{Engine: h.dev}
	h.eng = hold
	h.open()
	h.adoptDrive(a)
	h.next() // all files, into their places, every setting
	h.atStep(4)
	if !h.s.Busy() || !h.s.transfer.stopBtn.Visible() {
		t.Fatal("the transfer is not running")
	}
	test.Tap(h.s.transfer.stopBtn)
	h.waitFor("the transfer to stop", func() bool { return !h.s.Busy() && h.s.transfer.goBtn.Visible() })
	if !strings.Contains(h.shown(), "Stopped. What was brought over stays on this computer") {
		t.Fatalf("after Cancel:\n%s", h.shown())
	}
	if st := h.dev.Replacing(); st == nil || st.Step != config.ReplaceTransfer {
		t.Fatalf("cancelling lost the wizard's state: %+v", st)
	}

	h.restart()
	h.atStep(4)
	if !h.s.transfer.goBtn.Visible() || h.s.Busy() {
		t.Fatal("the resumed wizard does not offer to continue the transfer")
	}
	if h.s.transfer.goBtn.Text != "Continue the transfer" {
		t.Fatalf("the button says %q", h.s.transfer.goBtn.Text)
	}
	test.Tap(h.s.transfer.goBtn)
	h.atStep(5)
	if got := readFile(t, filepath.Join(h.home, "Documents", "report.txt")); got != uitest.Files["Documents/report.txt"] {
		t.Fatalf("report after the transfer: %q", got)
	}
	h.next()
	if h.dev.Replacing() != nil || h.finished != 1 {
		t.Fatal("Finish did not end the wizard")
	}
}

// A transfer done but not finished (Cairn closed on the summary) is run
// again on Continue: nothing is written twice, and the summary says so.
func TestResumeAfterTheTransfer(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	h.open()
	h.adoptDrive(a)
	h.next()
	h.atStep(5)
	if !strings.Contains(h.shown(), "7 files brought over") {
		t.Fatalf("summary:\n%s", h.shown())
	}
	for rel, data := range uitest.Files {
		if got, err := os.ReadFile(filepath.Join(h.home, filepath.FromSlash(rel))); err == nil && string(got) != data {
			t.Errorf("%s: %q", rel, got)
		} else if err != nil && !strings.HasPrefix(rel, ".cache/") {
			t.Errorf("%s did not come over: %v", rel, err)
		}
	}
	if _, err := os.Stat(a.UserHome); !os.IsNotExist(err) {
		t.Fatalf("the old home folder was made on the new computer: %v", err)
	}
	h.restart()
	h.atStep(4)
	test.Tap(h.s.transfer.goBtn)
	h.atStep(5)
	if !strings.Contains(h.shown(), "0 files brought over") || !strings.Contains(h.shown(), "7 files were here already from an earlier try") {
		t.Fatalf("summary after resuming:\n%s", h.shown())
	}
}

// The old computer's files can go into a folder of their own; settings
// not chosen stay as they are.
func TestIntoAFolder(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	h.open()
	h.adoptDrive(a)
	c := h.s.choose
	c.into.SetSelected("Into a folder…")
	h.next()
	if !strings.Contains(h.shown(), "Choose the folder to put the old computer's files in.") {
		t.Fatalf("no folder typed:\n%s", h.shown())
	}
	to := filepath.Join(h.home, "From the old laptop")
	typeIn(c.to, to)
	test.Tap(h.check("Folders chosen for backup"))
	test.Tap(h.check("Exclusions"))
	test.Tap(h.check("How often to back up and which versions to keep"))
	h.next()
	h.atStep(5)
	got := readFile(t, filepath.Join(to, "thesis", "chapter2.tex"))
	if got != uitest.Files["thesis/chapter2.tex"] {
		t.Fatalf("chapter 2 in the folder: %q", got)
	}
	if _, err := os.Stat(filepath.Join(h.home, "thesis")); !os.IsNotExist(err) {
		t.Fatalf("files went into their places too: %v", err)
	}
	if inc := h.dev.Selection().Include; len(inc) != 0 {
		t.Fatalf("the selection changed though it was not chosen: %v", inc)
	}
	if !strings.Contains(h.shown(), "They are in "+to) || !strings.Contains(h.shown(), "No settings were taken over") {
		t.Fatalf("summary:\n%s", h.shown())
	}
	// Back from the summary shows the choice as it was made.
	test.Tap(h.s.backBtn)
	h.waitChoose()
	if h.s.choose.into.Selected != "Into a folder…" || h.s.choose.to.Text != to || h.s.choose.sel.Checked {
		t.Fatal("the choice was not kept")
	}
}

// Cancel on the first page leaves the wizard; nothing changed.
func TestCancelBeforeAdoption(t *testing.T) {
	h := newComputer(t)
	h.open()
	h.atStep(1)
	test.Tap(h.s.cancelBtn)
	if h.left != 1 || h.dev.Replacing() != nil {
		t.Fatalf("cancel: OnCancel %d, state %+v", h.left, h.dev.Replacing())
	}
}

// A folder without a backup says so, and what to do.
func TestAFolderWithoutABackup(t *testing.T) {
	h := newComputer(t)
	h.open()
	h.atStep(1)
	h.s.where.kind.SetSelected("To a folder or an external drive")
	typeIn(h.s.where.folder, t.TempDir())
	h.next()
	h.atStep(2)
	typeIn(h.s.pick.password, "whatever")
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	want := words.Error(engine.ErrNoArchive)
	h.waitFor("the problem", func() bool { return h.s.job == nil && h.s.pick.problem.Text == want })
	if len(h.dev.Config().Destinations) != 0 {
		t.Fatal("a destination was added")
	}
}

// cutAdoption is the real engine, except that the first adoption waits
// for the person's Cancel and then behaves as if the Cancel had landed
// while the archive's index was being read (the long part).
type cutAdoption struct {
	Engine
	dev *device.Device
	cut atomic.Bool
}

func (e *cutAdoption) AdoptFolder(ctx context.Context, name, path string, pw device.PasswordFunc) (device.AddResult, error) {
	if e.cut.CompareAndSwap(false, true) {
		<-ctx.Done()
		ctx = cancelOnceAdded{Context: context.Background(), dev: e.dev}
	}
	return e.Engine.AdoptFolder(ctx, name, path, pw)
}

// An adoption cancelled half-way leaves nothing behind, and can be tried
// again.
func TestCancelTheAdoption(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	h.eng = &cutAdoption{Engine: h.dev, dev: h.dev}
	h.open()
	h.atStep(1)
	h.s.where.kind.SetSelected("To a folder or an external drive")
	typeIn(h.s.where.folder, a.Drive)
	h.next()
	h.atStep(2)
	typeIn(h.s.pick.password, uitest.Password)
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	if !h.s.Busy() || !h.s.stopBtn.Visible() || !h.s.nextBtn.Disabled() {
		t.Fatal("no Cancel while the backup is read")
	}
	test.Tap(h.s.stopBtn)
	h.waitFor("the cancellation", func() bool { return h.s.job == nil })
	if got := h.s.pick.problem.Text; got != "Cancelled." {
		t.Fatalf("after Cancel: %q", got)
	}
	if n := len(h.dev.Config().Destinations); n != 0 || h.dev.Replacing() != nil {
		t.Fatalf("a cancelled adoption left %d destinations behind", n)
	}
	h.next()
	h.waitChoose()
}

func (e *cutAdoption) AdoptServerDevice(ctx context.Context, s device.ServerSignIn, id string, pw device.PasswordFunc, kdf crypt.KDFParams) (device.AddResult, error) {
	if e.cut.CompareAndSwap(false, true) {
		<-ctx.Done()
		ctx = cancelOnceAdded{Context: context.Background(), dev: e.dev}
	}
	return e.Engine.AdoptServerDevice(ctx, s, id, pw, kdf)
}
