package getfiles

import (
	"context"
	"path"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/words"
)

// browseTree is the backup as a lazy tree: a folder's children are read
// (one level, off the UI thread) the first time it is opened, and kept
// until the view changes. Node IDs are archive paths; the hidden root ""
// is "/". A folder being read, or that could not be read, shows one line
// saying so, whose ID is the folder's path, a NUL and what it says.
type browseTree struct {
	s       *Screen
	w       *widget.Tree
	folders map[string]*folderState
	entries map[string]index.Entry
	rows    map[string]*row // the row showing each node now, by ID (rows are reused)
	ctx     context.Context
	cancel  context.CancelFunc
	// scrollTo is a path to bring into view once its folder is read.
	scrollTo string
}

// folderState is what is known of a folder's children.
type folderState struct {
	ids     []string
	loading bool
	err     error
}

const (
	noteLoading = "\x00loading"
	noteError   = "\x00error"
	noteEmpty   = "\x00empty"
)

func newBrowseTree(s *Screen) *browseTree {
	t := &browseTree{s: s, folders: map[string]*folderState{}, entries: map[string]index.Entry{},
		rows: map[string]*row{}}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	t.w = widget.NewTree(t.childIDs, t.isBranch, t.create, t.update)
	t.w.OnSelected = func(uid widget.TreeNodeID) {
		t.w.Unselect(uid)
		if t.isBranch(uid) {
			t.w.ToggleBranch(uid)
		}
	}
	t.w.OnBranchClosed = func(uid widget.TreeNodeID) {
		if f := t.folders[archivePath(uid)]; f != nil && f.err != nil {
			delete(t.folders, archivePath(uid)) // opening it again tries again
		}
	}
	return t
}

// archivePath maps a node ID to its path ("" is the root, "/").
func archivePath(uid string) string {
	if uid == "" {
		return "/"
	}
	return uid
}

func (t *browseTree) childIDs(uid string) []string {
	dir := archivePath(uid)
	f := t.folders[dir]
	if f == nil {
		if t.s.dest == "" {
			return nil
		}
		f = t.load(dir)
	}
	switch {
	case f.loading:
		return []string{dir + noteLoading}
	case f.err != nil:
		return []string{dir + noteError}
	case len(f.ids) == 0 && dir != "/":
		return []string{dir + noteEmpty}
	}
	return f.ids
}

func (t *browseTree) isBranch(uid string) bool {
	if uid == "" {
		return true
	}
	e, ok := t.entries[uid]
	return ok && e.Version.Type == engine.TypeDir
}

func (t *browseTree) create(bool) fyne.CanvasObject {
	return newRow(false, t.s.toggle, t.s.showVersions)
}

func (t *browseTree) update(uid string, _ bool, o fyne.CanvasObject) {
	r := o.(*row)
	if t.rows[r.id] == r {
		delete(t.rows, r.id)
	}
	r.id = uid
	t.rows[uid] = r
	if i := strings.IndexByte(uid, 0); i >= 0 {
		t.updateNote(r, uid[:i], uid[i:])
		return
	}
	r.bind(t.entries[uid], t.s.checkState(uid, true), t.s.deps.now())
}

func (t *browseTree) updateNote(r *row, dir, what string) {
	switch what {
	case noteLoading:
		r.note(lang.L("Loading…"), widget.LowImportance)
	case noteEmpty:
		r.note(lang.L("Empty folder"), widget.LowImportance)
	default:
		var err error
		if f := t.folders[dir]; f != nil {
			err = f.err
		}
		r.note(lang.L("Could not read this folder: {{.Error}} Close it and open it again to retry.",
			map[string]any{"Error": words.Error(err)}), widget.DangerImportance)
	}
}

// load starts reading a folder's children.
func (t *browseTree) load(dir string) *folderState {
	f := &folderState{loading: true}
	t.folders[dir] = f
	ctx, eng, dest, view := t.ctx, t.s.deps.Engine, t.s.dest, t.s.view
	go func() {
		var ents []index.Entry
		err := eng.List(ctx, dest, dir, view, false, func(e index.Entry) error {
			ents = append(ents, e)
			return ctx.Err()
		})
		t.s.do(func() { t.loaded(ctx, dir, ents, err) })
	}()
	return f
}

func (t *browseTree) loaded(ctx context.Context, dir string, ents []index.Entry, err error) {
	if ctx != t.ctx {
		return // the view changed meanwhile
	}
	f := &folderState{err: err}
	if err == nil {
		sortFoldersFirst(ents)
		for _, e := range ents {
			t.entries[e.Version.Path] = e
			f.ids = append(f.ids, e.Version.Path)
		}
	}
	t.folders[dir] = f
	t.w.Refresh()
	if t.scrollTo != "" && path.Dir(t.scrollTo) == dir {
		t.w.ScrollTo(t.scrollTo)
		t.scrollTo = ""
	}
	if dir == "/" {
		t.s.rootLoaded(len(f.ids) == 0, err)
	}
}

func sortFoldersFirst(ents []index.Entry) {
	slices.SortStableFunc(ents, func(a, b index.Entry) int {
		ad, bd := a.Version.Type == engine.TypeDir, b.Version.Type == engine.TypeDir
		switch {
		case ad && !bd:
			return -1
		case bd && !ad:
			return 1
		}
		return 0
	})
}

// reset forgets everything read, for a new view: the open folders stay
// open and are read again.
func (t *browseTree) reset() {
	t.cancel()
	t.ctx, t.cancel = context.WithCancel(context.Background())
	clear(t.folders)
	clear(t.entries)
	t.w.Refresh()
}

// openTo opens the folders down to p, and p itself, and shows it.
func (t *browseTree) openTo(p string) {
	for _, a := range ancestors(p) {
		if a != "/" {
			t.w.OpenBranch(a)
		}
	}
	t.w.OpenBranch(p)
	t.scrollTo = p
}

// children returns a folder's children when they have been read.
func (t *browseTree) children(dir string) ([]string, bool) {
	f := t.folders[dir]
	if f == nil || f.loading || f.err != nil {
		return nil, false
	}
	return f.ids, true
}
