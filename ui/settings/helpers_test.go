package settings

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var _ Engine = (*device.Device)(nil)

// harness is the Settings screen in a window, over a real device.
type harness struct {
	a       *uitest.Archive
	s       *Screen
	w       fyne.Window
	q       *uitest.Queue
	changes int // DestinationsChanged calls
	scans   int // ScanNow calls
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	uitest.UseEnglish()
	h := &harness{a: uitest.NewDevice(t), q: &uitest.Queue{}}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(uitest.Size)
	h.s = New(h.w, Deps{Engine: h.a.Dev, KDF: crypt.TestKDF, Do: h.q.Do,
		DestinationsChanged: func() { h.changes++ }, ScanNow: func() { h.scans++ }})
	h.w.SetContent(h.s.Object())
	h.s.Shown()
	return h
}

// save taps Save and waits until it is done.
func (h *harness) save(t *testing.T) {
	t.Helper()
	test.Tap(h.s.save)
	h.q.Wait(t, "the save", func() bool { return !h.s.saving })
}

// openDevice opens a fresh device in a temporary folder, for checking what
// another computer would find in an archive.
func openDevice(t *testing.T) *device.Device {
	t.Helper()
	dir := t.TempDir()
	d, err := device.Open(filepath.Join(dir, "cairn"), device.Options{UserHome: filepath.Join(dir, "home")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func password(pw string) device.PasswordFunc {
	return func(string, bool) ([]byte, error) { return []byte(pw), nil }
}

var background = context.Background()

// top is the dialog on top of the window, or the screen when there is none.
func (h *harness) top() fyne.CanvasObject {
	if o := h.w.Canvas().Overlays().Top(); o != nil {
		return o
	}
	return h.s.Object()
}

// button finds the last visible button saying text (in a dialog, if one
// is open), or fails.
func (h *harness) button(t *testing.T, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// hasButton says whether a button saying text is on top.
func (h *harness) hasButton(text string) bool {
	found := false
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = true
		}
	})
	return found
}

// entry finds the entry of a form item labelled label (in a dialog, if one
// is open), or fails.
func (h *harness) entry(t *testing.T, label string) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		f, ok := o.(*widget.Form)
		if !ok || found != nil {
			return
		}
		for _, it := range f.Items {
			if it.Text == label {
				uitest.Walk(it.Widget, func(o fyne.CanvasObject) {
					if e, ok := o.(*widget.Entry); ok && found == nil {
						found = e
					}
				})
			}
		}
	})
	if found == nil {
		t.Fatalf("no field %q", label)
	}
	return found
}

// shows says whether a visible label or rich text on top contains text.
func (h *harness) shows(text string) bool {
	found := false
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			found = found || strings.Contains(x.Text, text)
		case *widget.RichText:
			found = found || strings.Contains(x.String(), text)
		}
	})
	return found
}

// buttons counts the visible buttons saying text on top.
func (h *harness) buttons(text string) int {
	n := 0
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			n++
		}
	})
	return n
}
