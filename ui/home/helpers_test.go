package home

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var (
	_ Device  = (*device.Device)(nil)
	_ Service = (*service.Service)(nil)
)

// harness is the Home screen in a window, over a real device and service.
type harness struct {
	a       *uitest.Archive
	svc     *service.Service
	s       *Screen
	w       fyne.Window
	q       *uitest.Queue
	manage  int
	choose  int
	serving bool
}

// newHarness returns a device with the home folder selected and one
// backup made, and its Home screen (not yet shown).
func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	uitest.UseEnglish()
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	a.Backup(t)
	h := &harness{a: a, svc: service.New(a.Dev), q: &uitest.Queue{}}
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
	h.q.Wait(t, "the destination's card", func() bool { return h.s.cards[uitest.DestName] != nil })
	return h.s.cards[uitest.DestName]
}

// tapText taps the innermost tappable widget on top of the window (a menu
// item) that shows text.
func tapText(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found fyne.Tappable
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		tp, ok := o.(fyne.Tappable)
		wid, isWidget := o.(fyne.Widget)
		if !ok || !isWidget {
			return
		}
		uitest.Walk(wid, func(in fyne.CanvasObject) {
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
	uitest.Walk(h.s.Object(), func(o fyne.CanvasObject) {
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
	uitest.Walk(h.s.Object(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}
