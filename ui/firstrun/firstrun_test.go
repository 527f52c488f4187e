package firstrun

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/ui/uitest"
)

// A new computer backing up to a drive: the home folder is selected with
// the default exclusions, and the app is told to start.
func TestNewComputerOnADrive(t *testing.T) {
	h := newHarness(t)
	if !strings.Contains(h.shown(), "Welcome to Cairn") {
		t.Fatalf("first page:\n%s", h.shown())
	}
	h.tap("Get started")
	h.waitText("Is this a new computer, or does it replace one you backed up before?")
	h.tap("New computer")
	h.waitText("Where should Cairn keep the copies of your files?")
	drive := filepath.Join(t.TempDir(), "drive", "Cairn")
	h.dest().folder.SetFolder(drive)
	h.typeIn("Archive password", "a long archive password")
	h.typeIn("Type it again", "a long archive password")
	h.tap("Add")
	h.waitFor("the first run to finish", func() bool { return h.finished == 1 })
	c := h.dev.Config()
	if len(c.Destinations) != 1 || c.Destinations[0].Path != drive {
		t.Fatalf("destinations: %+v", c.Destinations)
	}
	sel := h.dev.Selection()
	if !slices.Equal(sel.Include, []string{filepath.ToSlash(h.home)}) {
		t.Fatalf("selected: %v", sel.Include)
	}
	if len(sel.Defaults) == 0 {
		t.Fatal("no default exclusions")
	}
}

func (h *harness) dest() *destPage {
	h.t.Helper()
	if h.s.dest == nil || h.s.page != destinationPage {
		h.t.Fatal("not on the destination page")
	}
	return h.s.dest
}

// A replacement goes through the wizard; leaving it comes back to the
// choice; Cairn closed in the middle opens the wizard where it was; the
// wizard's Finish is the first run's.
func TestReplaceAComputer(t *testing.T) {
	old := uitest.NewDevice(t)
	if err := old.Dev.AddFiles(old.UserHome); err != nil {
		t.Fatal(err)
	}
	old.Backup(t)
	old.Dev.Close()

	h := newHarness(t)
	h.tap("Get started")
	h.tap("Replace a computer")
	h.waitText("Where did the old computer back up?")
	h.tap("Cancel")
	h.waitText("Is this a new computer, or does it replace one you backed up before?")
	h.tap("Replace a computer")
	h.choose("To a folder or an external drive")
	h.typeIn("Folder", old.Drive)
	h.tap("Next")
	h.typeIn("Backup password", uitest.Password)
	h.tap("Next")
	h.tap("Replace it")
	h.waitText("What should come over from")

	h.restart()
	h.waitText("What should come over from")
	h.tap("Next")
	h.tap("Finish")
	if h.finished != 1 || h.dev.Replacing() != nil {
		t.Fatalf("finished %d, replacing %+v", h.finished, h.dev.Replacing())
	}
	if got := h.dev.Selection().Include; !slices.Equal(got, []string{filepath.ToSlash(h.home)}) {
		t.Fatalf("selection after replacing: %v", got)
	}
	if len(h.dev.Config().Destinations) != 1 {
		t.Fatalf("destinations: %+v", h.dev.Config().Destinations)
	}
}
