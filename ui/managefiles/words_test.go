package managefiles

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/ui/uitest"
)

// A long path excluded shows its end, the folder that tells it apart,
// where a cut at the end would leave "/tmp/…/home/Do…".
func TestALongExcludedPathKeepsItsEnd(t *testing.T) {
	h := newHarness(t, nil, nil)
	long := h.a.ArchivePath("Documents/Old projects from the university years/Thesis drafts")
	h.with(func() {
		test.Type(h.s.exclusions.entry, long)
		test.Tap(h.s.exclusions.add)
	})
	b := h.removeButton(long)
	h.with(func() {
		var row fyne.CanvasObject
		for _, o := range shownObjects(h.s.exclusions.list) {
			if c, ok := o.(*fyne.Container); ok && len(c.Objects) == 2 && c.Objects[1] == fyne.CanvasObject(b) {
				row = c.Objects[0] // the text, without the button
			}
		}
		if row == nil {
			t.Fatal("the Remove button is in no row")
		}
		shown := ""
		uitest.Walk(row, func(o fyne.CanvasObject) {
			if x, ok := o.(*canvas.Text); ok {
				shown += x.Text
			}
		})
		if !strings.HasSuffix(shown, "/Thesis drafts") || !strings.HasPrefix(shown, "…") {
			t.Errorf("the excluded path shows as %q", shown)
		}
	})
}
