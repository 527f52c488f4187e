package getfiles

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

func TestTreeShowsBackedUpFoldersAndFiles(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	for _, rel := range []string{"Documents", "Pictures", "thesis", "Music"} {
		h.row(rel) // the home folder is open from the start
	}
	if h.hasRow(".cache") {
		t.Error("the tree shows .cache, which is excluded from the backup")
	}
	r := h.row("Documents/report.txt")
	if r.name.Text != "report.txt" || r.size.Text != "33 B" || r.when.Text == "" {
		t.Errorf("report.txt row shows %q %q %q", r.name.Text, r.size.Text, r.when.Text)
	}
	if r.clock.Hidden {
		t.Error("a file has no clock button")
	}
	if d := h.row("Documents/notes"); !d.clock.Hidden || d.size.Text != "" {
		t.Errorf("a folder shows a clock button or a size %q", d.size.Text)
	}
	if !strings.Contains(h.s.panel.button.Text, "Restore") || !h.s.panel.button.Disabled() {
		t.Errorf("with nothing checked the button says %q (disabled %v)", h.s.panel.button.Text, h.s.panel.button.Disabled())
	}
}

func TestCheckingAFolderChecksWhatIsInIt(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	h.check("Documents")
	if r := h.row("Documents/notes/todo.txt"); !r.check.Checked {
		t.Error("a file in a checked folder is not checked")
	}
	if r := h.row("Documents"); !r.check.Checked {
		t.Error("the folder is not checked")
	}
	h.waitFor("the size of the selection", func() bool { return h.s.panel.button.Text == "Restore 1 item (48 B)" })
	// Unchecking one file leaves the rest of the folder checked.
	tapCheck(h.row("Documents/report.txt").check)
	got := strings.Join(h.s.sel.list(), ",")
	want := h.a.ArchivePath("Documents/budget 2026.ods") + "," + h.a.ArchivePath("Documents/notes")
	if got != want {
		t.Errorf("checked %s, want %s", got, want)
	}
	if r := h.row("Documents"); r.check.Checked || !r.check.Partial {
		t.Error("the folder does not show that part of it is checked")
	}
	h.waitFor("the new size", func() bool { return h.s.panel.button.Text == "Restore 2 items (15 B)" })
	test.Tap(h.s.top.deleted) // a new view clears the checks
	if h.s.sel.len() != 0 || !h.s.panel.button.Disabled() {
		t.Error("checks survive a change of view")
	}
}

func TestAsOfAMomentBeforeAFileExisted(t *testing.T) {
	a := uitest.New(t)
	// A moment (to the second) after the first backup and before the second.
	nextSecond := func() time.Time {
		now := time.Now()
		uitest.WaitFor(t, "the next second", func() bool { return time.Now().Truncate(time.Second).After(now) })
		return time.Now()
	}
	between := nextSecond()
	nextSecond()
	a.Write(t, map[string]string{"Documents/minutes.txt": "new after the first backup"})
	a.Backup(t)
	h := newHarness(t, a)
	if !h.hasRow("Documents/minutes.txt") {
		t.Fatal("the most recent backup does not show the new file")
	}
	test.Tap(h.s.top.asOf)
	md := h.s.top.dialog
	test.Type(md.date, "25/11/2026")
	test.Tap(md.show)
	if !strings.Contains(md.problem.Text, "year-month-day") || !h.dialogOpen() {
		t.Fatalf("a wrong date is not explained: %q", md.problem.Text)
	}
	md.date.SetText(between.Format("2006-01-02"))
	test.Type(md.clock, "25:99")
	test.Tap(md.show)
	if !strings.Contains(md.problem.Text, "24-hour clock") {
		t.Fatalf("a wrong time is not explained: %q", md.problem.Text)
	}
	md.clock.SetText(between.Format("15:04:05"))
	test.Tap(md.show)
	if h.dialogOpen() {
		t.Fatalf("the dialog stays open: %q", md.problem.Text)
	}
	if want := "As of: " + between.Format("2006-01-02 15:04:05"); h.s.top.asOf.Text != want {
		t.Errorf("the button says %q, want %q", h.s.top.asOf.Text, want)
	}
	if h.hasRow("Documents/minutes.txt") {
		t.Error("a file backed up after the chosen moment shows")
	}
	if !h.hasRow("Documents/report.txt") {
		t.Error("a file backed up before the chosen moment does not show")
	}
	// Back to the most recent backup.
	test.Tap(h.s.top.asOf)
	h.s.top.dialog.choice.SetSelected(h.s.top.dialog.choice.Options[0])
	test.Tap(h.s.top.dialog.show)
	if h.s.top.asOf.Text != "As of: most recent" || !h.hasRow("Documents/minutes.txt") {
		t.Error("the most recent backup does not come back")
	}
}

func TestDeletedFilesShowAndCanBeRestored(t *testing.T) {
	a := uitest.New(t)
	a.Remove(t, "Pictures/cairn.jpg")
	a.Backup(t)
	h := newHarness(t, a)
	if h.hasRow("Pictures/cairn.jpg") {
		t.Fatal("a deleted file shows without Show deleted files")
	}
	if r := h.rowID(h.a.ArchivePath("Pictures") + noteEmpty); r.name.Text != "Empty folder" {
		t.Errorf("the folder with nothing left says %q", r.name.Text)
	}
	test.Tap(h.s.top.deleted)
	r := h.row("Pictures/cairn.jpg")
	if !strings.HasPrefix(r.when.Text, "deleted ") || r.name.Importance != widget.LowImportance {
		t.Errorf("the deleted file shows as %q %q", r.name.Text, r.when.Text)
	}
	h.check("Pictures/cairn.jpg")
	h.restoreChecked()
	if got := readFile(t, filepath.Join(h.downloads, "cairn.jpg")); got != uitest.Files["Pictures/cairn.jpg"] {
		t.Errorf("the deleted file restored as %q", got)
	}
}

func TestSearchFindsAFileByPartOfItsName(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	h.row("thesis")
	test.Type(h.s.top.search, "CHAP")
	h.waitFor("the results", func() bool { return h.s.search.status.Text == "2 names with “CHAP”" })
	if h.s.treeBox.Visible() || !h.s.search.box.Visible() {
		t.Error("the results do not replace the tree")
	}
	var r *row
	p := h.a.ArchivePath("thesis/chapter2.tex")
	h.waitFor("the row of chapter2.tex", func() bool { r = h.s.search.rows[p]; return r != nil })
	if r.folder.Path() != h.a.Path("thesis") || !strings.HasSuffix(r.folder.Text, "thesis") || r.size.Text != "16 B" {
		t.Errorf("the result shows folder %q (of %q) size %q", r.folder.Text, r.folder.Path(), r.size.Text)
	}
	tapCheck(r.check)
	h.restoreChecked()
	if got := readFile(t, filepath.Join(h.downloads, "chapter2.tex")); got != uitest.Files["thesis/chapter2.tex"] {
		t.Errorf("the result restored as %q", got)
	}
	h.s.top.search.SetText("no such name")
	h.waitFor("no results", func() bool { return strings.HasPrefix(h.s.search.status.Text, "No file or folder has") })
	h.s.top.search.SetText("")
	if !h.s.treeBox.Visible() {
		t.Error("the tree does not come back when the search is emptied")
	}
}

func TestNothingBackedUpSaysWhatToDo(t *testing.T) {
	h := newHarness(t, uitest.NewDevice(t))
	h.waitFor("the message", func() bool {
		return strings.HasPrefix(h.s.empty.Text, "Nothing is backed up to External drive yet.")
	})
	if h.s.treeBox.Visible() {
		t.Error("an empty tree shows")
	}
}

func TestNoDestinationSaysWhatToDo(t *testing.T) {
	dev, err := device.Open(t.TempDir(), device.Options{UserHome: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	h := newHarness(t, &uitest.Archive{Root: t.TempDir(), UserHome: "/nowhere", Dev: dev})
	if !strings.Contains(h.s.empty.Text, "Add a drive or a server in Settings") || !h.s.top.dest.Hidden {
		t.Errorf("with no destination the screen says %q", h.s.empty.Text)
	}
}

func TestChoosingAnotherDestination(t *testing.T) {
	a := uitest.New(t)
	if _, err := a.Dev.AddFolderDestination(context.Background(), "USB stick", filepath.Join(a.Root, "stick"),
		uitest.PasswordFunc, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, a)
	if h.s.top.dest.Hidden || len(h.s.top.dest.Options) != 2 {
		t.Fatalf("the destination picker shows %v (hidden %v)", h.s.top.dest.Options, h.s.top.dest.Hidden)
	}
	h.check("thesis")
	h.s.top.dest.SetSelected("USB stick")
	h.waitFor("the message", func() bool { return strings.HasPrefix(h.s.empty.Text, "Nothing is backed up to USB stick yet.") })
	if h.s.sel.len() != 0 || h.s.panel.box.Visible() {
		t.Error("checks or restore options stay for a destination with nothing in it")
	}
	h.s.top.dest.SetSelected(uitest.DestName)
	h.check("thesis")
	h.s.Shown() // back from another screen: checks stay
	if !h.s.sel.covered(h.a.ArchivePath("thesis/chapter1.tex")) || h.s.dest != uitest.DestName {
		t.Error("coming back to the screen lost the checks or the destination")
	}
	if r := h.row("thesis/chapter1.tex"); !r.check.Checked {
		t.Error("the tree does not show the checks kept")
	}
}
