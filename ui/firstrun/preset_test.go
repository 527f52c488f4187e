package firstrun

import (
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// With the organisation's preset, a new computer is offered its server
// first, the address filled in and locked.
func TestPresetOffersTheOrganisationsServer(t *testing.T) {
	h := newHarness(t)
	h.preset = config.Preset{Server: "https://backup.example.org:8443"}
	h.open()
	h.tap("Get started")
	h.tap("New computer")
	h.waitText("Where should Cairn keep the copies of your files?")
	if h.dest().form != h.dest().server {
		t.Fatal("the drive's form is shown first")
	}
	var address *widget.Entry
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Text == h.preset.Server {
			address = e
		}
	})
	if address == nil || !address.Disabled() {
		t.Fatalf("the address is not shown locked: %v", address)
	}
}

// The organisation's exclusions join the defaults of a new computer's
// selection, whatever destination it backs up to.
func TestPresetExclusionsJoinTheDefaults(t *testing.T) {
	h := newHarness(t)
	h.preset = config.Preset{Exclude: []string{"*.iso", "~/VirtualBox VMs"}}
	h.open()
	h.tap("Get started")
	h.tap("New computer")
	h.waitText("Where should Cairn keep the copies of your files?")
	if h.dest().form != h.dest().folder {
		t.Fatal("without a server in the preset, the drive's form is not first")
	}
	h.dest().folder.SetFolder(filepath.Join(t.TempDir(), "drive", "Cairn"))
	h.typeIn("Archive password", "a long archive password")
	h.typeIn("Type it again", "a long archive password")
	h.tap("Add")
	h.waitFor("the first run to finish", func() bool { return h.finished == 1 })
	sel := h.dev.Selection()
	if !slices.Equal(sel.Include, []string{filepath.ToSlash(h.home)}) {
		t.Fatalf("selected: %v", sel.Include)
	}
	for _, x := range h.preset.Exclude {
		if !slices.Contains(sel.Defaults, x) {
			t.Errorf("%q is not among the defaults %v", x, sel.Defaults)
		}
	}
	if len(sel.Defaults) <= len(h.preset.Exclude) || len(sel.Exclude) != 0 {
		t.Errorf("defaults %v, own exclusions %v", sel.Defaults, sel.Exclude)
	}
}
