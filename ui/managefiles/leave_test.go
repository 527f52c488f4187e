package managefiles

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/ui"
)

// otherPage is the page navigated to.
type otherPage struct{ label *widget.Label }

func (o otherPage) Object() fyne.CanvasObject { return o.label }
func (o otherPage) Shown()                    {}

// Going to another page with unsaved changes asks first: Cancel stays,
// Discard drops the changes and goes, Save saves them and goes.
func TestLeavingWithUnsavedChangesAsks(t *testing.T) {
	h := newHarness(t, nil, nil)
	var shell *ui.Shell
	h.with(func() {
		shell = ui.NewShell([]ui.Page{{ID: "managefiles", Title: "Manage Files", Screen: h.s},
			{ID: "home", Title: "Home", Screen: otherPage{widget.NewLabel("home page")}}}, nil)
		h.w.SetContent(shell.Object())
	})
	music := h.a.ArchivePath("Music")
	h.tapBox(music)
	h.waitState(music, Unchecked)

	h.with(func() { shell.Show("home") })
	cancel := h.dialogButton("Cancel")
	h.with(func() {
		if got := h.dialogTexts(); !slices.Contains(got, "Save your changes to what is backed up?") {
			t.Errorf("the dialog says %q", got)
		}
	})
	h.tap(cancel)
	h.with(func() {
		if shell.Current() != "managefiles" || !h.s.dirty() {
			t.Fatalf("after Cancel: on %s, unsaved changes %v", shell.Current(), h.s.dirty())
		}
	})

	h.with(func() { shell.Show("home") })
	h.tap(h.dialogButton("Discard"))
	h.with(func() {
		if shell.Current() != "home" || h.s.dirty() || len(h.a.Dev.Selection().Exclude) != 0 {
			t.Fatalf("after Discard: on %s, unsaved changes %v, saved %q", shell.Current(), h.s.dirty(), h.a.Dev.Selection().Exclude)
		}
	})

	h.with(func() { shell.Show("managefiles") })
	h.waitState(music, Checked)
	h.tapBox(music)
	h.waitState(music, Unchecked)
	h.with(func() { shell.Show("home") })
	h.tap(h.dialogButton("Save")) // not the screen's own Save
	h.waitFor("the save, then the other page", func() bool { return shell.Current() == "home" })
	if got := h.a.Dev.Selection().Exclude; !slices.Equal(got, []string{"~/Music"}) {
		t.Fatalf("saved Exclude = %q", got)
	}
}

// Without changes, nothing is asked.
func TestLeavingWithoutChangesAsksNothing(t *testing.T) {
	h := newHarness(t, nil, nil)
	left := false
	h.with(func() { h.s.Leave(func() { left = true }) })
	if !left || h.w.Canvas().Overlays().Top() != nil {
		t.Fatalf("left %v, a dialog is open: %v", left, h.w.Canvas().Overlays().Top() != nil)
	}
}

// dialogTexts are the labels of the dialog on top.
func (h *harness) dialogTexts() []string {
	var out []string
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	for _, o := range shownObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// dialogButton waits for a button saying text in the dialog on top.
func (h *harness) dialogButton(text string) *widget.Button {
	h.t.Helper()
	var found *widget.Button
	h.waitFor("a dialog button "+text, func() bool {
		if top := h.w.Canvas().Overlays().Top(); top != nil {
			for _, o := range shownObjects(top) {
				if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
					found = b
					return true
				}
			}
		}
		return false
	})
	return found
}
