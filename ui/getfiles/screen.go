package getfiles

import (
	"maps"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/words"
)

// Screen is the Get Files screen. Its fields belong to the UI thread.
type Screen struct {
	w    fyne.Window
	deps Deps
	// do runs a function on the UI thread: fyne.Do, or in tests a queue
	// the test drains, so widgets are only ever touched by one goroutine.
	do func(func())

	dest   string     // the destination shown
	view   index.View // as of when, deleted files or not
	moment moment     // the "as of" choice behind view.At
	sel    *checked
	opened bool // the tree has been opened down to the home folder

	top    *topBar
	tree   *browseTree
	search *searchView
	panel  *restorePanel
	queue  *queue
	// versions is the last versions dialog opened.
	versions *versionsDialog

	treeBox, emptyBox *fyne.Container
	empty             *widget.Label
	retry             *widget.Button
	middle            *fyne.Container
	browse            *fyne.Container
	split             *container.Split
	root              fyne.CanvasObject
}

// New builds the screen; Shown fills it.
func New(w fyne.Window, d Deps) *Screen {
	s := &Screen{w: w, deps: d, do: fyne.Do, view: index.View{At: index.Latest}, sel: newChecked()}
	s.tree = newBrowseTree(s)
	s.search = newSearchView(s)
	s.panel = newRestorePanel(s)
	s.queue = newQueue(s)
	s.top = newTopBar(s)
	s.empty = widget.NewLabel("")
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Alignment = fyne.TextAlignCenter
	s.retry = widget.NewButtonWithIcon(lang.L("Try again"), theme.ViewRefreshIcon(), s.Shown)
	s.emptyBox = container.NewVBox(widget.NewIcon(theme.InfoIcon()), s.empty, container.NewCenter(s.retry))
	s.treeBox = container.NewBorder(header(false), nil, nil, nil, s.tree.w)
	s.browse = container.NewStack(s.treeBox, s.search.box, container.NewPadded(s.emptyBox))
	s.split = container.NewVSplit(s.browse, s.queue.box)
	s.split.Offset = 0.65
	s.middle = container.NewStack(s.browse)
	s.root = container.NewBorder(s.top.box, s.panel.box, nil, nil, s.middle)
	s.showOnly(s.treeBox)
	return s
}

// Object is the screen's content.
func (s *Screen) Object() fyne.CanvasObject { return s.root }

// Shown reads the destinations again and reloads the tree, keeping what
// is checked and open; the shell calls it each time the screen comes into
// view.
func (s *Screen) Shown() {
	var names []string
	for _, d := range s.deps.Engine.Config().Destinations {
		names = append(names, d.Name)
	}
	s.top.setDestinations(names)
	if len(names) == 0 {
		s.dest = ""
		s.sel.clear()
		s.tree.reset()
		s.showEmpty(lang.L("Nothing is backed up yet: Cairn has no destination to back up to. Add a drive or a server in Settings, then back up; your files show here afterwards."), false)
		return
	}
	if !slices.Contains(names, s.dest) {
		s.dest = names[0]
		s.sel.clear()
	}
	s.top.dest.SetSelected(s.dest)
	s.reload()
	if !s.opened && s.deps.UserHome != "" {
		s.opened = true
		s.tree.openTo(s.deps.UserHome)
	}
}

// viewChanged starts again from what the destination holds as of the
// chosen moment: checks are cleared (what they named may not be there).
func (s *Screen) viewChanged() {
	s.sel.clear()
	s.reload()
}

// reload reads the tree (and the search) again.
func (s *Screen) reload() {
	s.showOnly(s.treeBox)
	s.tree.reset()
	s.search.rerun()
	s.panel.selectionChanged()
}

func (s *Screen) setDestination(name string) {
	if name == "" || name == s.dest {
		return
	}
	s.dest = name
	s.viewChanged()
}

func (s *Screen) setMoment(m moment) {
	s.moment = m
	s.view.At = m.at()
	s.top.showMoment(m)
	s.viewChanged()
}

func (s *Screen) setDeleted(on bool) {
	if on == s.view.WithDeleted {
		return
	}
	s.view.WithDeleted = on
	s.viewChanged()
}

// rootLoaded says in words when there is nothing to show.
func (s *Screen) rootLoaded(empty bool, err error) {
	switch {
	case err != nil:
		s.showEmpty(lang.L("Cairn cannot read the backup on {{.Destination}}: {{.Error}}",
			map[string]any{"Destination": s.dest, "Error": words.Error(err)}), true)
	case !empty:
		if !s.search.active() {
			s.showOnly(s.treeBox)
		}
	case s.moment.latest():
		s.showEmpty(lang.L("Nothing is backed up to {{.Destination}} yet. Your files show here once the first backup has finished; you can start one from Home.",
			map[string]any{"Destination": s.dest}), false)
	default:
		s.showEmpty(lang.L("Nothing had been backed up to {{.Destination}} as of {{.Time}}. Choose a later time, or the most recent backup.",
			map[string]any{"Destination": s.dest, "Time": s.moment.String()}), false)
	}
}

func (s *Screen) showEmpty(msg string, retry bool) {
	s.empty.SetText(msg)
	s.retry.Hidden = !retry
	s.showOnly(s.browse.Objects[2])
}

// showOnly shows one of the tree, the search results and the message;
// with the message, there is nothing to restore, so no restore options.
func (s *Screen) showOnly(o fyne.CanvasObject) {
	for _, c := range s.browse.Objects {
		if c == o {
			c.Show()
		} else {
			c.Hide()
		}
	}
	s.panel.box.Hidden = o == s.browse.Objects[2]
	s.root.Refresh()
}

// showQueue puts the list of restores under the tree, once there is one.
func (s *Screen) showQueue(on bool) {
	if on {
		s.middle.Objects = []fyne.CanvasObject{s.split}
	} else {
		s.middle.Objects = []fyne.CanvasObject{s.browse}
	}
	s.middle.Refresh()
}

// toggle checks or unchecks a path for restore.
func (s *Screen) toggle(p string, on bool) {
	if on {
		s.sel.check(p)
	} else {
		s.sel.uncheck(p, s.tree.children)
	}
	s.tree.w.Refresh()
	s.search.list.Refresh()
	s.panel.selectionChanged()
}

// checkState is how p's check box looks; inTree says it is a tree row,
// where the folders above are known, so a covered path can be unchecked.
func (s *Screen) checkState(p string, inTree bool) checkState {
	st := checkState{on: s.sel.covered(p), partial: s.sel.partial(p)}
	if !inTree && s.sel.coveredAbove(p) {
		c := &checked{paths: maps.Clone(s.sel.paths)}
		st.disabled = !c.uncheck(p, s.tree.children)
	}
	return st
}
