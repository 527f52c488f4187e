//go:build !gui

package desktop

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/ui/uitest"
)

// Quit says that backups stop until Cairn starts again, and "Keep backing
// up" keeps them going; only the confirmation stops the service.
func TestQuitSaysBackupsStop(t *testing.T) {
	a := test.NewTempApp(t)
	uitest.UseEnglish()
	arch := uitest.NewDevice(t)
	if err := arch.Dev.AddFiles(arch.UserHome); err != nil {
		t.Fatal(err)
	}
	d := New(a, arch.Dev, Options{NoAutostart: true, UserHome: arch.UserHome})
	d.Start()
	t.Cleanup(d.shutdown)

	d.Quit()
	dlg := findDialogText(d.window, "Backups stop until Cairn starts again")
	if dlg == nil {
		t.Fatal("Quit did not say that backups stop")
	}
	tapButton(t, d.window, "Keep backing up")
	select {
	case <-d.stopped:
		t.Fatal("Keep backing up stopped the backups")
	default:
	}
	d.Quit()
	tapButton(t, d.window, "Quit")
	uitest.WaitFor(t, "the service to stop", func() bool {
		select {
		case <-d.stopped:
			return true
		default:
			return false
		}
	})
}

// findDialogText finds a label in the window's overlays holding text.
func findDialogText(w fyne.Window, text string) fyne.CanvasObject {
	var found fyne.CanvasObject
	for _, o := range w.Canvas().Overlays().List() {
		uitest.Walk(o, func(c fyne.CanvasObject) {
			if l, ok := c.(*widget.Label); ok && strings.Contains(l.Text, text) {
				found = l
			}
		})
	}
	return found
}

// tapButton taps the button labelled text in the window's top overlay.
func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog to tap %q in", text)
	}
	var b *widget.Button
	uitest.Walk(top, func(c fyne.CanvasObject) {
		if x, ok := c.(*widget.Button); ok && x.Text == text {
			b = x
		}
	})
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	test.Tap(b)
}
