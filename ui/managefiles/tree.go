package managefiles

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// node is a file or folder the tree has met.
type node struct {
	name     string
	isDir    bool
	listed   bool               // children holds what the folder had when last read
	listing  context.CancelFunc // set while a read runs
	children []string
	err      error // why the folder could not be read
}

// diskTree is the tree of the disk: folders are read when opened, off the
// UI thread, and read again each time they are opened. Its fields belong to
// the UI thread (and Screen.mu).
type diskTree struct {
	s          *Screen
	w          *widget.Tree
	nodes      map[string]*node
	scrollHome bool // the tree still has to show the home folder
}

// loadingSuffix marks the placeholder shown in a folder being read; no
// path holds a NUL.
const loadingSuffix = "\x00loading"

func newDiskTree(s *Screen) *diskTree {
	t := &diskTree{s: s, nodes: map[string]*node{computerID: {isDir: true}}, scrollHome: true}
	t.w = widget.NewTree(t.childIDs, t.isBranch, t.create, t.update)
	t.w.OnBranchOpened = t.opened
	t.w.OnBranchClosed = t.closed
	if s.home != "" {
		for _, a := range ancestors(s.home) {
			t.w.OpenBranch(a)
		}
	}
	return t
}

func (t *diskTree) childIDs(id string) []string {
	n := t.nodes[id]
	switch {
	case n == nil || !n.isDir:
		return nil
	case !n.listed:
		t.list(id)
		return []string{id + loadingSuffix}
	}
	return n.children
}

func (t *diskTree) isBranch(id string) bool {
	n := t.nodes[id]
	return n != nil && n.isDir
}

func (t *diskTree) create(bool) fyne.CanvasObject {
	loading := widget.NewLabel(lang.L("Reading the folder…"))
	loading.Importance = widget.LowImportance
	return container.NewStack(newTriState(), loading)
}

func (t *diskTree) update(id string, _ bool, o fyne.CanvasObject) {
	objs := o.(*fyne.Container).Objects
	box, loading := objs[0].(*triState), objs[1].(*widget.Label)
	n := t.nodes[id]
	box.Hidden, loading.Hidden = n == nil, n != nil
	if n == nil {
		return
	}
	box.id = id
	box.Text = t.label(id, n)
	box.Icon = theme.FileIcon()
	if n.isDir {
		box.Icon = theme.FolderIcon()
	}
	box.State = t.s.view.stateOf(id, n.isDir)
	box.OnTapped = func() { t.s.tapped(id, n.isDir) }
	box.Refresh()
}

// label is what the tree says about a file or folder.
func (t *diskTree) label(id string, n *node) string {
	switch {
	case n.err != nil:
		return lang.L("{{.Name}} (cannot be read)", map[string]any{"Name": n.name})
	case id == t.s.home:
		return lang.L("{{.Name}} (your home folder)", map[string]any{"Name": n.name})
	}
	return n.name
}

// opened reads a folder again when it is opened, in case it changed.
func (t *diskTree) opened(id string) {
	if n := t.nodes[id]; n != nil && n.listed {
		t.list(id)
	}
}

// closed stops reading a folder that is closed before the read is done.
func (t *diskTree) closed(id string) {
	if n := t.nodes[id]; n != nil && n.listing != nil {
		n.listing()
	}
}

// list reads a folder in the background.
func (t *diskTree) list(id string) {
	n := t.nodes[id]
	if n == nil || n.listing != nil {
		return
	}
	ctx, cancel := context.WithCancel(t.s.ctx)
	n.listing = cancel
	t.s.background(func() func() {
		es, err := listDir(ctx, id)
		return func() { t.listed(id, es, err) }
	})
}

// listed takes in what a folder holds.
func (t *diskTree) listed(id string, es []entry, err error) {
	n := t.nodes[id]
	n.listing()
	n.listing = nil
	if errors.Is(err, context.Canceled) {
		return // read again when opened again
	}
	n.listed, n.err, n.children = true, err, nil
	for _, e := range es {
		c := child(id, e.name)
		if id == computerID {
			c = rootPath(e.name)
		}
		if old := t.nodes[c]; old != nil && old.isDir == e.isDir {
			old.name = e.name
		} else {
			t.nodes[c] = &node{name: e.name, isDir: e.isDir}
		}
		n.children = append(n.children, c)
	}
	t.w.Refresh()
	t.showHome()
}

// showHome scrolls the tree to the home folder once it and what it holds
// are there: to its last entry, then back up to it, so that the home
// folder is in view with as much of its contents as fits.
func (t *diskTree) showHome() {
	h := t.nodes[t.s.home]
	if !t.scrollHome || h == nil || !h.listed {
		return
	}
	t.scrollHome = false
	if len(h.children) > 0 {
		t.w.ScrollTo(h.children[len(h.children)-1])
	}
	t.w.ScrollTo(t.s.home)
}

// children is what the tree knows a folder holds (a lister for view.tap).
func (t *diskTree) children(dir string) ([]string, bool) {
	n := t.nodes[dir]
	if n == nil || !n.listed || n.err != nil {
		return nil, false
	}
	return n.children, true
}

// refresh redraws the boxes after the selection changed.
func (t *diskTree) refresh() { t.w.Refresh() }
