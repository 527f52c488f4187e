package destform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/ui/uitest"
)

func TestAddANewFolder(t *testing.T) {
	h := newHarness(t)
	f := h.show(NewFolderForm(h.w, h.deps, h.onAdded))
	drive := filepath.Join(h.a.Root, "Second drive", "Cairn")
	test.Type(f.folder.path, drive)
	if got := f.folder.name.Text; got != "Second drive" {
		t.Errorf("name derived from the folder: %q", got)
	}
	test.Type(f.folder.archive.pw, "a long enough password")
	test.Type(f.folder.archive.again, "a long enough password")
	f.Submit()
	h.q.Wait(t, "the folder added", func() bool { return len(h.added) == 1 })
	if h.added[0] != "Second drive" || !h.res.Created {
		t.Fatalf("added %v, %+v", h.added, h.res)
	}
	if _, ok := h.destination("Second drive"); !ok {
		t.Fatal("not in the configuration")
	}
	if entries, err := os.ReadDir(drive); err != nil || len(entries) == 0 {
		t.Fatalf("no archive in %s: %v", drive, err)
	}
	if f.Busy() || f.Problem() != "" {
		t.Fatalf("after adding: busy %v, problem %q", f.Busy(), f.Problem())
	}
}

func TestPasswordRules(t *testing.T) {
	h := newHarness(t)
	f := h.show(NewFolderForm(h.w, h.deps, h.onAdded))
	pw := f.folder.archive
	test.Type(f.folder.path, filepath.Join(h.a.Root, "usb"))

	f.Submit()
	if !strings.Contains(pw.Hint(), "Choose a password") || f.Busy() {
		t.Fatalf("an empty password: hint %q, busy %v", pw.Hint(), f.Busy())
	}
	test.Type(pw.pw, "short")
	if !strings.Contains(pw.Hint(), "use at least 10 characters") {
		t.Fatalf("a short password: %q", pw.Hint())
	}
	test.Type(pw.again, "shore")
	if !strings.Contains(pw.Hint(), "not the same") {
		t.Fatalf("a mismatch as typed: %q", pw.Hint())
	}
	f.Submit()
	if f.Busy() || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatal("a mismatch was submitted")
	}
	pw.again.SetText("short")
	f.Submit() // short: a drive's password is all that guards it
	if f.Busy() || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatal("a 5-character drive password was accepted")
	}
	if want := "This password protects everything on the drive"; !strings.HasPrefix(pw.Hint(), want) || !strings.Contains(pw.Hint(), "use at least 10 characters") {
		t.Fatalf("a short drive password: %q", pw.Hint())
	}
	pw.pw.SetText("123456789") // 9 characters: still short
	pw.again.SetText("123456789")
	f.Submit()
	if f.Busy() || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatal("a 9-character drive password was accepted")
	}
	pw.pw.SetText("three or four words")
	pw.again.SetText("three or four words")
	f.Submit()
	h.q.Wait(t, "the folder added", func() bool { return len(h.added) == 1 })
	if pw.Hint() != "" {
		t.Errorf("a good password left a hint: %q", pw.Hint())
	}
}

// A folder that holds a Cairn backup asks for that backup's password: a
// wrong one adds nothing and says so, the right one adds it.
func TestAddAFolderThatHoldsABackup(t *testing.T) {
	h := newHarness(t)
	other := uitest.NewDevice(t) // another computer's drive, password uitest.Password
	f := h.show(NewFolderForm(h.w, h.deps, h.onAdded))
	test.Type(f.folder.path, other.Drive)
	f.folder.name.SetText("Old drive")
	test.Type(f.folder.archive.pw, "whatever new password")
	test.Type(f.folder.archive.again, "whatever new password")

	answer := func(pw string) {
		t.Helper()
		f.Submit()
		h.q.Wait(t, "the password dialog", func() bool { return dialogButton(h.w, "Continue") != nil })
		if !strings.Contains(dialogText(h.w), "holds a Cairn backup already") {
			t.Fatalf("the dialog says %q", dialogText(h.w))
		}
		test.Type(dialogEntry(h.w), pw)
		test.Tap(dialogButton(h.w, "Continue"))
		h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })
	}
	answer("not the password")
	if !strings.Contains(f.Problem(), "The password is not right") {
		t.Fatalf("problem: %q", f.Problem())
	}
	if len(h.added) != 0 || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatal("a wrong password added the folder")
	}
	answer(uitest.Password)
	if len(h.added) != 1 || h.res.Created || f.Problem() != "" {
		t.Fatalf("added %v %+v, problem %q", h.added, h.res, f.Problem())
	}
	if _, ok := h.destination("Old drive"); !ok {
		t.Fatal("not in the configuration")
	}
}

func TestCancelWhileAskingClosesTheDialog(t *testing.T) {
	h := newHarness(t)
	other := uitest.NewDevice(t)
	f := h.show(NewFolderForm(h.w, h.deps, h.onAdded))
	test.Type(f.folder.path, other.Drive)
	test.Type(f.folder.archive.pw, "whatever new password")
	test.Type(f.folder.archive.again, "whatever new password")
	f.Submit()
	h.q.Wait(t, "the password dialog", func() bool { return dialogButton(h.w, "Continue") != nil })
	f.Cancel()
	h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })
	if h.w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed")
	}
	if !strings.Contains(f.Problem(), "Cancelled") || len(h.a.Dev.Config().Destinations) != 1 {
		t.Fatalf("problem %q, %d destinations", f.Problem(), len(h.a.Dev.Config().Destinations))
	}
}

func TestNames(t *testing.T) {
	for path, want := range map[string]string{
		"/media/ana/Backup drive/Cairn": "Backup drive",
		"/mnt/usb":                      "usb",
		"/mnt/usb/backups/":             "usb",
		"/":                             "Backup drive",
		"/Cairn":                        "Backup drive",
	} {
		if got := nameForFolder(filepath.FromSlash(path)); got != want {
			t.Errorf("nameForFolder(%q) = %q, want %q", path, got, want)
		}
	}
	h := newHarness(t)
	if got := uniqueName(uitest.DestName, h.a.Dev.Config()); got != uitest.DestName+" (2)" {
		t.Errorf("uniqueName = %q", got)
	}
	if got := uniqueName(strings.Repeat("é", 40), h.a.Dev.Config()); len(got) > maxName || !strings.HasPrefix(got, "éé") {
		t.Errorf("a long name: %q", got)
	}
}
