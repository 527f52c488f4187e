package firstrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// The engine's device is what the app passes as Engine.
var _ Engine = (*device.Device)(nil)

func TestMain(m *testing.M) {
	uitest.UseEnglish()
	os.Exit(m.Run())
}

// harness is a computer Cairn starts on for the first time: a home folder
// with files, a fresh device, the first-run flow in a window.
type harness struct {
	t        *testing.T
	q        *uitest.Queue
	w        fyne.Window
	home     string
	cairn    string
	dev      *device.Device
	s        *Screen
	finished int
	preset   config.Preset // the organisation's, given to New
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	root := t.TempDir()
	h := &harness{t: t, q: &uitest.Queue{}, home: filepath.Join(root, "home", "bob"), cairn: filepath.Join(root, "cairn")}
	if err := os.MkdirAll(filepath.Join(h.home, "Documents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.home, "Documents", "letter.txt"), []byte("dear"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.openDevice()
	t.Cleanup(func() { h.dev.Close() })
	h.open()
	return h
}

func (h *harness) openDevice() {
	h.t.Helper()
	d, err := device.Open(h.cairn, device.Options{UserHome: h.home})
	if err != nil {
		h.t.Fatal(err)
	}
	h.dev = d
}

// open starts the first run in a new window, as the app does.
func (h *harness) open() {
	h.w = test.NewTempWindow(h.t, nil)
	h.w.Resize(uitest.Size)
	h.s = New(h.w, Deps{Engine: h.dev, KDF: crypt.TestKDF, UserHome: h.home, Preset: h.preset, Do: h.q.Do,
		OnFinished: func() { h.finished++ }})
	h.w.SetContent(h.s.Object())
	h.s.Shown()
}

// restart is Cairn closed and started again.
func (h *harness) restart() {
	h.t.Helper()
	if err := h.dev.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.openDevice()
	h.open()
}

func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	uitest.WaitFor(h.t, what, func() bool {
		h.q.Run()
		return cond()
	})
}

// top is the dialog on top of the window, or its content.
func (h *harness) top() fyne.CanvasObject {
	if o := h.w.Canvas().Overlays().Top(); o != nil {
		return o
	}
	return h.w.Content()
}

// shown is every visible label's text, a line each.
func (h *harness) shown() string {
	var b strings.Builder
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

// button waits for an enabled button saying text and taps it.
func (h *harness) tap(text string) {
	h.t.Helper()
	var found *widget.Button
	h.waitFor("a button "+text, func() bool {
		found = nil
		uitest.Walk(h.top(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == text && !b.Disabled() && found == nil {
				found = b
			}
		})
		return found != nil
	})
	test.Tap(found)
}

// choose picks an option of the radio group that has it.
func (h *harness) choose(option string) {
	h.t.Helper()
	var found *widget.RadioGroup
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && found == nil {
			for _, opt := range r.Options {
				if opt == option {
					found = r
				}
			}
		}
	})
	if found == nil {
		h.t.Fatalf("no choice %q:\n%s", option, h.shown())
	}
	found.SetSelected(option)
}

// typeIn types text into the entry of the form item labelled label.
func (h *harness) typeIn(label, text string) {
	h.t.Helper()
	var entry *widget.Entry
	uitest.Walk(h.top(), func(o fyne.CanvasObject) {
		f, ok := o.(*widget.Form)
		if !ok {
			return
		}
		for _, it := range f.Items {
			if it.Text == label && entry == nil {
				uitest.Walk(it.Widget, func(o fyne.CanvasObject) {
					if e, ok := o.(*widget.Entry); ok && entry == nil {
						entry = e
					}
				})
			}
		}
	})
	if entry == nil {
		h.t.Fatalf("no field %q:\n%s", label, h.shown())
	}
	entry.SetText("")
	test.Type(entry, text)
}

// waitText waits until the window shows text.
func (h *harness) waitText(text string) {
	h.t.Helper()
	h.waitFor(text, func() bool { return strings.Contains(h.shown(), text) })
}
