package replace

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// TestEngineAllFilesIntoTheirPlaces: a transfer of the old home folder
// itself into its place (what "All files" can mean) moves it onto this
// computer's home folder, not to the old computer's path.
func TestEngineAllFilesIntoTheirPlaces(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	ctx := t.Context()
	if _, err := h.dev.AdoptFolder(ctx, "drive", a.Drive, uitest.PasswordFunc); err != nil {
		t.Fatal(err)
	}
	if err := h.dev.ChooseTransfer([]string{h.dev.Replacing().OldHome}, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.dev.Transfer(ctx, device.TransferOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(h.home, "Documents", "report.txt")); err != nil {
		_, errOld := os.Stat(a.Path("Documents/report.txt"))
		t.Fatalf("the old home folder did not come into the new one: %v (in the old place: %v)", err, errOld == nil)
	}
}

// cancelOnceAdded is a context that ends as soon as the device lists a
// destination: the moment AdoptFolder has unlocked the archive and added
// it, before it has read the archive's index.
type cancelOnceAdded struct {
	context.Context
	dev *device.Device
}

func (c cancelOnceAdded) Err() error {
	if c.added() {
		return context.Canceled
	}
	return nil
}

func (c cancelOnceAdded) Done() <-chan struct{} {
	if c.added() {
		return closed
	}
	return c.Context.Done()
}

func (c cancelOnceAdded) added() bool { return len(c.dev.Config().Destinations) > 0 }

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// TestEngineAdoptionCutOffHalfWay: an adoption cancelled while the
// archive's index is read (the long part) leaves no destination behind,
// and trying again works.
func TestEngineAdoptionCutOffHalfWay(t *testing.T) {
	a := oldDrive(t)
	h := newComputer(t)
	ctx := cancelOnceAdded{Context: t.Context(), dev: h.dev}
	_, err := h.dev.AdoptFolder(ctx, "drive", a.Drive, uitest.PasswordFunc)
	if err == nil {
		t.Skip("the adoption was not cut off")
	}
	if n := len(h.dev.Config().Destinations); n != 0 || h.dev.Replacing() != nil {
		t.Fatalf("a cut-off adoption (%v) left %d destinations, wizard state %+v", err, n, h.dev.Replacing())
	}
}
