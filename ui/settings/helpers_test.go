package settings

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/i18n"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var _ Engine = (*device.Device)(nil)

// uiQueue stands in for fyne.Do: Fyne's test driver would run the work at
// once on the engine's goroutine, racing the test's; the test runs it on
// its own goroutine instead, whenever it polls.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) Do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

func (q *uiQueue) run() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// waitUI runs the UI queue until cond holds.
func (q *uiQueue) wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	uitest.WaitFor(t, what, func() bool { q.run(); return cond() })
}

// harness is the Settings screen in a window, over a real device.
type harness struct {
	a       *uitest.Archive
	s       *Screen
	w       fyne.Window
	q       *uiQueue
	changes int // DestinationsChanged calls
	scans   int // ScanNow calls
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	loadEnglish(t)
	h := &harness{a: uitest.NewDevice(t), q: &uiQueue{}}
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
	h.q.wait(t, "the save", func() bool { return !h.s.saving })
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

// loadEnglish registers en.json, so plurals read as in the app.
func loadEnglish(t *testing.T) {
	t.Helper()
	b, err := i18n.Bundles.ReadFile("en.json")
	if err == nil {
		err = lang.AddTranslationsForLocale(b, fyne.Locale("en"))
	}
	if err != nil {
		t.Fatal(err)
	}
}

// walk calls fn for every visible object below o, widgets' parts included.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

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
	walk(h.top(), func(o fyne.CanvasObject) {
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
	walk(h.top(), func(o fyne.CanvasObject) {
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
	walk(h.top(), func(o fyne.CanvasObject) {
		f, ok := o.(*widget.Form)
		if !ok || found != nil {
			return
		}
		for _, it := range f.Items {
			if it.Text == label {
				walk(it.Widget, func(o fyne.CanvasObject) {
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
	walk(h.top(), func(o fyne.CanvasObject) {
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
	walk(h.top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			n++
		}
	})
	return n
}
