package home

import (
	"github.com/cairnbackup/cairn/engine/snapshot"
	"net/url"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// What the last passes left out on purpose (service.State.NotBackedUp) is
// counted and said in words, apart from the files that could not be read.
func TestLeftOutFilesAreCountedInWords(t *testing.T) {
	test.NewTempApp(t)
	uitest.UseEnglish()
	n := newNotes()
	n.show([]engine.FileError{
		{Path: "/home/ana/OneDrive/film.mov", Err: fs.ErrCloudOnly},
		{Path: "/home/ana/My Documents", Err: fs.ErrJunction},
	})
	if !n.acc.Visible() || n.item.Title != "2 files are not backed up" {
		t.Fatalf("visible %v, title %q", n.acc.Visible(), n.item.Title)
	}
	var lines []string
	for _, o := range n.files.Objects {
		lines = append(lines, o.(*widget.Label).Text)
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{"film.mov: cloud-only, not downloaded: not backed up", "My Documents: a Windows junction"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q not in %q", want, got)
		}
	}
	n.show(nil)
	if n.acc.Visible() {
		t.Error("still shown with nothing left out")
	}
}

func TestAFileInUseIsSaidInWords(t *testing.T) {
	test.NewTempApp(t)
	uitest.UseEnglish()
	err := &os.PathError{Op: "open", Path: `C:\Users\ana\outlook.pst`, Err: fs.ErrInUse}
	if got := fileProblem(err); !strings.HasPrefix(got, "In use by another program (Outlook keeps its .pst open)") {
		t.Errorf("fileProblem = %q", got)
	}
	// Without the open-file helper (a per-user install), the words say how
	// to get open files backed up.
	noHelper := &snapshot.NotRead{Why: snapshot.ErrNoHelper}
	if got := fileProblem(noHelper); !strings.Contains(got, "install Cairn for everyone on this computer") {
		t.Errorf("fileProblem without the helper = %q", got)
	}
}

// The Full Disk Access card is shown only while access is missing, and its
// button opens the Full Disk Access pane of System Settings.
func TestFullDiskAccessCardOpensSystemSettings(t *testing.T) {
	test.NewTempApp(t)
	uitest.UseEnglish()
	var opened *url.URL
	c := newAccessCard(func(u *url.URL) { opened = u })
	if c.card.Visible() {
		t.Fatal("shown before anything was probed")
	}
	c.show(true)
	if !c.card.Visible() {
		t.Fatal("not shown while access is missing")
	}
	test.NewTempWindow(t, c.card)
	var button *widget.Button
	uitest.Walk(c.card, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Open System Settings" {
			button = b
		}
	})
	if button == nil {
		t.Fatal("no button Open System Settings")
	}
	test.Tap(button)
	if opened == nil || opened.String() != device.FullDiskAccessURL {
		t.Errorf("opened %v, want %s", opened, device.FullDiskAccessURL)
	}
	c.show(false)
	if c.card.Visible() {
		t.Error("still shown once access was given")
	}
}
