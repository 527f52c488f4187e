package home

import (
	"context"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/i18n"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var (
	_ Device  = (*device.Device)(nil)
	_ Service = (*service.Service)(nil)
)

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

// harness is the Home screen in a window, over a real device and service.
type harness struct {
	a       *uitest.Archive
	svc     *service.Service
	s       *Screen
	w       fyne.Window
	q       *uiQueue
	manage  int
	choose  int
	serving bool
}

// newHarness returns a device with the home folder selected and one
// backup made, and its Home screen (not yet shown).
func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	loadEnglish(t)
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	a.Backup(t)
	h := &harness{a: a, svc: service.New(a.Dev), q: &uiQueue{}}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(uitest.Size)
	h.s = New(h.w, Deps{Device: a.Dev, Service: h.svc, Do: h.q.Do,
		OpenManageFiles: func() { h.manage++ }, AddDestination: func() { h.choose++ }})
	t.Cleanup(h.s.Close)
	h.w.SetContent(h.s.Object())
	return h
}

// serve runs the service until the test ends.
func (h *harness) serve(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		h.svc.Serve(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func (h *harness) stateLine() string { return h.s.header.line.Text }

func (h *harness) card(t *testing.T) *destCard {
	t.Helper()
	h.q.wait(t, "the destination's card", func() bool { return h.s.cards[uitest.DestName] != nil })
	return h.s.cards[uitest.DestName]
}

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

// tapText taps the innermost tappable widget on top of the window (a menu
// item) that shows text.
func tapText(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found fyne.Tappable
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		tp, ok := o.(fyne.Tappable)
		wid, isWidget := o.(fyne.Widget)
		if !ok || !isWidget {
			return
		}
		walk(wid, func(in fyne.CanvasObject) {
			if txt, ok := in.(*canvas.Text); ok && txt.Text == text {
				found = tp
			}
		})
	})
	if found == nil {
		t.Fatalf("nothing shows %q", text)
	}
	test.Tap(found)
}

// shows says whether a visible label on the screen contains text.
func (h *harness) shows(text string) bool {
	found := false
	walk(h.s.Object(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, text) {
			found = true
		}
	})
	return found
}

// findButton finds a visible button on the screen.
func findButton(t *testing.T, h *harness, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(h.s.Object(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}
