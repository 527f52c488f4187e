package managefiles

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/fit"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var _ Engine = (*device.Device)(nil)

// harness is the screen in a test window over a real device whose home
// folder is selected, as the first run leaves it.
type harness struct {
	t *testing.T
	a *uitest.Archive
	w fyne.Window
	s *Screen
}

func newHarness(t *testing.T, deps func(*Deps), setup func(*uitest.Archive)) *harness {
	t.Helper()
	app := test.NewTempApp(t)
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(a)
	}
	d := Deps{Engine: a.Dev, UserHome: a.UserHome}
	if deps != nil {
		deps(&d)
	}
	h := &harness{t: t, a: a, w: app.NewWindow("Cairn")}
	h.s = New(h.w, d)
	t.Cleanup(h.s.stop)
	h.with(func() {
		h.w.SetContent(h.s.Object())
		h.w.Resize(uitest.Size)
		h.s.Shown()
	})
	h.waitCounted()
	return h
}

// with runs f as the UI thread would: no background result lands meanwhile.
func (h *harness) with(f func()) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	f()
}

// waitFor polls cond as the UI thread.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	uitest.WaitFor(h.t, what, func() bool {
		var ok bool
		h.with(func() { ok = cond() })
		return ok
	})
}

// waitCounted waits for the size line to show a finished count.
func (h *harness) waitCounted() string {
	h.t.Helper()
	var text string
	h.waitFor("the size of the selection", func() bool {
		text = h.s.size.label.Text
		return h.s.size.counted
	})
	return text
}

// row is what the tree shows for path p (its box's label, description and
// state), scrolling to it and waiting for the folders above it to be read.
func (h *harness) row(p string) (text, desc string, st State) {
	h.t.Helper()
	h.waitFor("the row of "+p, func() bool {
		h.s.tree.w.ScrollTo(p)
		b := h.findBox(p)
		if b != nil {
			text, desc, st = b.Text, b.Description(), b.State
		}
		return b != nil
	})
	return text, desc, st
}

func (h *harness) findBox(p string) *triState {
	for _, o := range shownObjects(h.w.Content()) {
		if b, ok := o.(*triState); ok && b.id == p && b.Visible() {
			return b
		}
	}
	return nil
}

// state is the state p's box shows.
func (h *harness) state(p string) State {
	h.t.Helper()
	_, _, st := h.row(p)
	return st
}

// waitState waits for p's box to show want.
func (h *harness) waitState(p string, want State) {
	h.t.Helper()
	h.waitFor(p+" shown as "+stateWords(want), func() bool {
		h.s.tree.w.ScrollTo(p)
		b := h.findBox(p)
		return b != nil && b.State == want
	})
}

// tapBox taps p's box. The tree reuses boxes for other paths as folders
// are read, so the box is found and tapped in one go.
func (h *harness) tapBox(p string) {
	h.t.Helper()
	h.waitFor("the box of "+p+" to tap", func() bool {
		h.s.tree.w.ScrollTo(p)
		if b := h.findBox(p); b != nil {
			test.Tap(b)
			return true
		}
		return false
	})
}

// open opens folder p in the tree.
func (h *harness) open(p string) {
	h.with(func() { h.s.tree.w.OpenBranch(p) })
}

// tap taps a button, as the UI thread.
func (h *harness) tap(b *widget.Button) { h.with(func() { test.Tap(b) }) }

// save taps Save and waits for the engine to have it.
func (h *harness) save() {
	h.t.Helper()
	h.tap(h.s.save)
	h.waitFor("the save", func() bool { return !h.s.saving && strings.HasPrefix(h.s.status.Text, "Saved.") })
}

// button finds a button by its text, in the window or a dialog over it.
func (h *harness) button(text string) *widget.Button {
	h.t.Helper()
	var found *widget.Button
	h.waitFor("a button "+text, func() bool {
		objs := shownObjects(h.w.Content())
		if top := h.w.Canvas().Overlays().Top(); top != nil {
			objs = append(objs, shownObjects(top)...)
		}
		for _, o := range objs {
			if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
				found = b
				return true
			}
		}
		return false
	})
	return found
}

// removeButton is the Remove button on the row of an exclusion pattern.
func (h *harness) removeButton(pattern string) *widget.Button {
	h.t.Helper()
	var found *widget.Button
	h.waitFor("the row of "+pattern, func() bool {
		for i, r := range h.s.exclusions.rows {
			if r.pattern == pattern {
				h.s.exclusions.list.ScrollTo(i)
			}
		}
		for _, o := range shownObjects(h.s.exclusions.list) {
			c, ok := o.(*fyne.Container)
			if !ok || len(c.Objects) != 2 {
				continue
			}
			texts, tok := c.Objects[0].(*fyne.Container)
			b, bok := c.Objects[1].(*widget.Button)
			if !tok || !bok || len(texts.Objects) != 2 {
				continue
			}
			if l, ok := texts.Objects[1].(*fit.PathLabel); ok && l.Path() == pattern && b.Visible() {
				found = b
				return true
			}
		}
		return false
	})
	return found
}

// shownObjects returns o and everything it shows, as its current renderers
// lay them out (test.LaidOutObjects would make new renderers, and a new
// tree renderer starts scrolled to the top).
func shownObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	out := []fyne.CanvasObject{o}
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			out = append(out, shownObjects(child)...)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			out = append(out, shownObjects(child)...)
		}
	}
	return out
}

// inBackup reports whether the last backup holds rel (relative to home).
func (h *harness) inBackup(rel string) bool {
	h.t.Helper()
	_, ok, err := h.a.Dev.Lookup(context.Background(), uitest.DestName, h.a.ArchivePath(rel), index.View{At: index.Latest})
	if err != nil {
		h.t.Fatal(err)
	}
	return ok
}

// estimate is what the engine counts in the saved selection.
func (h *harness) estimate() device.Estimate {
	h.t.Helper()
	e, err := h.a.Dev.EstimateSelection(context.Background(), nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}
