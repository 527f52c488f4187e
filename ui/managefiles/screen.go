package managefiles

import (
	"context"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/ui/words"
)

// Screen is the Manage Files screen.
type Screen struct {
	w    fyne.Window
	deps Deps
	goos string
	home string // the home folder in the selection's form

	ctx    context.Context // ends the screen's background work (tests end it)
	cancel context.CancelFunc
	wg     sync.WaitGroup // background work under way
	// mu is held by every function the background work hands to fyne.Do
	// (see do). On a real driver those run on the UI thread, so it is never
	// contended; under the test driver they run on the worker's goroutine,
	// and tests hold mu while they tap and look.
	mu sync.Mutex

	saved  selection.Selection // what the engine has
	view   view                // what the screen shows: saved, or with unsaved changes
	saving bool
	note   string // what the status line says besides unsaved changes
	bad    bool   // note is an error

	tree         *diskTree
	exclusions   *exclusionsPanel
	size         *sizeLine
	status       *widget.Label
	save, revert *widget.Button
	obj          fyne.CanvasObject
}

// New builds the screen over the engine, showing the saved selection.
func New(w fyne.Window, d Deps) *Screen {
	if d.GOOS == "" {
		d.GOOS = runtime.GOOS
	}
	s := &Screen{w: w, deps: d, goos: d.GOOS, home: selectionForm(d.UserHome)}
	s.mu.Lock() // the tree starts reading folders at once
	defer s.mu.Unlock()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.view = newView(selection.Selection{}, s.goos, s.home)
	s.tree = newDiskTree(s)
	s.exclusions = newExclusionsPanel(s)
	s.size = newSizeLine(s)
	s.obj = s.layout()
	s.saved = d.Engine.Selection()
	s.show(s.saved)
	return s
}

// selectionForm turns the home folder as the system writes it into the
// selection's form.
func selectionForm(p string) string {
	if p == "" {
		return ""
	}
	if a, err := device.ArchivePath(p); err == nil {
		return a
	}
	return path.Clean(filepath.ToSlash(p))
}

// Object is the screen's content.
func (s *Screen) Object() fyne.CanvasObject { return s.obj }

// Shown reads the selection again and counts its size, unless the person
// has unsaved changes.
func (s *Screen) Shown() {
	if !s.dirty() && !s.saving {
		s.saved = s.deps.Engine.Selection()
		s.note, s.bad = "", false
		s.show(s.saved)
		s.size.schedule(0)
	}
}

func (s *Screen) layout() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Manage Files"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel(lang.L("Check what to back up; uncheck what to leave out. Changes count from the next backup after you save them."))
	intro.Wrapping = fyne.TextWrapWord
	treeTitle := widget.NewLabelWithStyle(lang.L("Files and folders"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	split := container.NewHSplit(container.NewBorder(treeTitle, nil, nil, nil, s.tree.w), s.exclusions.obj)
	split.Offset = 0.56
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.saveTapped)
	s.save.Importance = widget.HighImportance
	s.revert = widget.NewButtonWithIcon(lang.L("Revert"), theme.ContentUndoIcon(), s.revertTapped)
	bottom := container.NewVBox(widget.NewSeparator(), s.status,
		container.NewBorder(nil, nil, nil, container.NewHBox(s.revert, s.save), s.size.obj))
	return container.NewBorder(container.NewVBox(title, intro), bottom, nil, nil, split)
}

// setPending shows sel as the selection to save, and counts it.
func (s *Screen) setPending(sel selection.Selection) {
	s.show(sel)
	s.size.schedule(countDelay)
}

// show shows sel as the selection to save.
func (s *Screen) show(sel selection.Selection) {
	s.view = newView(sel, s.goos, s.home)
	s.tree.refresh()
	s.exclusions.refresh()
	s.showStatus()
}

func (s *Screen) dirty() bool { return !sameSelection(s.view.sel, s.saved) }

// showStatus says whether there is something to save, and enables the
// buttons that go with it.
func (s *Screen) showStatus() {
	text, bad := s.note, s.bad
	switch {
	case s.view.err != nil:
		text, bad = lang.L("An exclusion cannot be used: {{.Error}}. Remove it from the list, then save.",
			map[string]any{"Error": words.Error(s.view.err)}), true
	case s.saving:
		text = lang.L("Saving…")
	case s.dirty() && !bad:
		text = lang.L("Unsaved changes. Save them to use them from the next backup, or Revert to drop them.")
	}
	s.status.SetText(text)
	s.status.Importance = widget.MediumImportance
	if bad {
		s.status.Importance = widget.DangerImportance
	}
	s.status.Hidden = text == ""
	s.status.Refresh()
	enable(s.save, s.dirty() && !s.saving && s.view.err == nil)
	enable(s.revert, s.dirty() && !s.saving)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (s *Screen) saveTapped() { s.saveThen(nil) }

// saveThen saves the selection shown, then calls after (when not nil) if
// it was saved.
func (s *Screen) saveThen(after func()) {
	sel := s.view.sel
	s.saving, s.note, s.bad = true, "", false
	s.showStatus()
	s.background(func() func() {
		err := s.deps.Engine.SetSelection(sel)
		return func() {
			s.saveDone(sel, err)
			if err == nil && after != nil {
				after()
			}
		}
	})
}

// saveDone takes in the result of a save.
func (s *Screen) saveDone(sel selection.Selection, err error) {
	s.saving = false
	if err != nil {
		s.note, s.bad = lang.L("The selection was not saved: {{.Error}}. Your changes are still here: try Save again.",
			map[string]any{"Error": words.Error(err)}), true
	} else {
		s.saved = sel
		s.note = lang.L("Saved. The next backup uses this selection.")
	}
	s.showStatus()
}

func (s *Screen) revertTapped() {
	s.note, s.bad = "", false
	s.setPending(s.saved)
}

// tapped changes the selection as a tap on p's box asks.
func (s *Screen) tapped(p string, isDir bool) {
	s.note, s.bad = "", false
	r := s.view.tap(p, isDir, s.tree.children)
	if len(r.blockedBy) > 0 {
		s.askToRemove(p, isDir, r)
		return
	}
	s.setPending(r.sel)
}

// askToRemove tells the person which patterns leave p out and offers to
// remove them; then p is checked.
func (s *Screen) askToRemove(p string, isDir bool, r tapResult) {
	args := map[string]any{"Name": quote(name(p)), "Folder": quote(name(r.blockedAt)),
		"Patterns": strings.Join(quoteAll(r.blockedBy), ", ")}
	msg := lang.L("{{.Name}} is left out by the exclusion {{.Patterns}}.\n\nRemove that exclusion so that {{.Name}} is backed up? Whatever else it matches is then backed up too.", args)
	if r.blockedAt != p {
		msg = lang.L("{{.Name}} is inside {{.Folder}}, which the exclusion {{.Patterns}} leaves out.\n\nRemove that exclusion so that {{.Name}} is backed up? All of {{.Folder}} is then backed up too, and whatever else it matches.", args)
	}
	d := dialog.NewConfirm(lang.L("Left out by an exclusion"), msg, func(ok bool) {
		if ok {
			s.removeAndCheck(p, isDir, r.blockedBy)
		}
	}, s.w)
	d.SetConfirmText(lang.L("Remove the exclusion"))
	d.SetDismissText(lang.L("Cancel"))
	d.Show()
}

func (s *Screen) removeAndCheck(p string, isDir bool, patterns []string) {
	v := s.view.with(s.view.without(patterns))
	r := v.check(p, isDir, s.tree.children)
	if len(r.blockedBy) > 0 {
		s.setPending(v.sel)
		s.askToRemove(p, isDir, r)
		return
	}
	s.setPending(r.sel)
}

func name(p string) string {
	if p == "/" {
		return p
	}
	return path.Base(p)
}

func quote(s string) string { return "“" + s + "”" }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

// background runs work off the UI thread and hands what it returns to the
// UI thread.
func (s *Screen) background(work func() func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		apply := work()
		s.do(apply)
	}()
}

// do runs f on the UI thread, holding mu.
func (s *Screen) do(f func()) {
	fyne.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		f()
	})
}

// stop ends the background work and waits for it (tests call it).
func (s *Screen) stop() {
	s.mu.Lock()
	s.cancel()
	s.size.stop()
	s.mu.Unlock()
	s.wg.Wait()
}
