package destform

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var _ Engine = (*device.Device)(nil)

// harness is a window with a form in it, over a real device.
type harness struct {
	a     *uitest.Archive
	w     fyne.Window
	q     *uitest.Queue
	deps  Deps
	added []string
	res   device.AddResult
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	uitest.UseEnglish()
	h := &harness{a: uitest.NewDevice(t), q: &uitest.Queue{}}
	h.deps = Deps{Engine: h.a.Dev, KDF: crypt.TestKDF, Do: h.q.Do}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(uitest.Size)
	return h
}

func (h *harness) onAdded(name string, res device.AddResult) {
	h.added = append(h.added, name)
	h.res = res
}

// show puts a form in the window.
func (h *harness) show(f *Form) *Form {
	h.w.SetContent(f.Object())
	return f
}

// dialogButton finds a button in the dialog on top of the window.
func dialogButton(w fyne.Window, text string) *widget.Button {
	var found *widget.Button
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

// dialogEntry finds the first entry in the dialog on top of the window.
func dialogEntry(w fyne.Window) *widget.Entry {
	var found *widget.Entry
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && found == nil {
			found = e
		}
	})
	return found
}

// dialogText is all the labels' text in the dialog on top.
func dialogText(w fyne.Window) string {
	s := ""
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			s += l.Text + "\n"
		}
	})
	return s
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

// destination finds a destination in the device's configuration.
func (h *harness) destination(name string) (config.Destination, bool) {
	for _, d := range h.a.Dev.Config().Destinations {
		if d.Name == name {
			return d, true
		}
	}
	return config.Destination{}, false
}
