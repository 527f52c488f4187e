package destform

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/ui/uitest"
)

// The folder chooser shows folder names whole, on one line: in a grid of
// icons Fyne breaks them ("Documen ts").
func TestTheFolderDialogShowsNamesWhole(t *testing.T) {
	h := newHarness(t)
	f := h.show(NewFolderForm(h.w, h.deps, h.onAdded))
	home := filepath.Join(h.a.Root, "chooser")
	for _, d := range []string{"Documents", "Downloads", "Templates"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	test.Type(f.folder.path, home)
	test.Tap(findButton(t, h.w.Content(), "Choose…"))
	for _, name := range []string{"Documents", "Downloads", "Templates"} {
		var label *widget.Label
		uitest.WaitFor(t, name+" in the folder dialog", func() bool {
			label = nil
			uitest.Walk(h.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && l.Text == name {
					label = l
				}
			})
			return label != nil
		})
		need := fyne.MeasureText(name, theme.TextSize(), label.TextStyle).Width + 2*theme.InnerPadding()
		if got := label.Size().Width; got < need {
			t.Errorf("%s is shown %.0f wide, broken or cut: it needs %.0f", name, got, need)
		}
	}
}

// findButton finds the button saying text under o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if b, ok := x.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}
