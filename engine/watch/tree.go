package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// watchAdder is what the tree needs of fsnotify: a consumer-side interface,
// so a test can make Add fail as a full kernel table does.
type watchAdder interface {
	Add(path string) error
	Remove(path string) error
}

// errMaxWatches stands for the operating system's limit when
// Options.MaxWatches is reached, or the descriptor budget (budget.go).
var errMaxWatches = errors.New("Options.MaxWatches reached")

// isLimit reports whether err is the system refusing more watches: ENOSPC
// from inotify (fs.inotify.max_user_watches), EMFILE from kqueue (one open
// file per watch).
func isLimit(err error) bool {
	return errors.Is(err, errMaxWatches) || errors.Is(err, syscall.ENOSPC) ||
		errors.Is(err, syscall.EMFILE)
}

// tree knows which folders of the selection are watched. It is owned by the
// watcher's goroutine (and by Start before that goroutine runs).
type tree struct {
	fs        watchAdder
	skip      func(path string, isDir bool) bool
	max       int                            // Options.MaxWatches
	budget    int                            // descriptors watches may hold (kqueue); below 0: not counted
	used      int                            // descriptors the watches hold, by budget's count
	costs     map[string]int                 // watched folder → its descriptors, when counted
	dirRoots  []string                       // roots that are folders
	fileRoots []string                       // roots that are files (or symlinks), watched through their parent
	folders   map[string]bool                // folder → watched (false: could not be)
	kids      map[string]map[string]struct{} // folder → its sub-folders in folders
	watched   int
	unwatched int
	limited   bool
	limit     int                 // watches the system allows, when known; read once the limit is hit
	failure   error               // the first error other than the limit, for Status.Problem
	missing   map[string]struct{} // roots not there
	changed   bool                // the counts changed since the last status
}

func newTree(fsw watchAdder, o Options) *tree {
	return &tree{
		fs: fsw, skip: o.Skip, max: o.MaxWatches, budget: descriptorBudget(o), costs: make(map[string]int),
		folders: make(map[string]bool), kids: make(map[string]map[string]struct{}),
		missing: make(map[string]struct{}), changed: true,
	}
}

// addRoots sorts the roots into folders, files and missing ones, then
// watches every folder of the selection. Only ctx ending stops it.
func (t *tree) addRoots(ctx context.Context, roots []string) error {
	for _, r := range roots {
		fi, err := os.Lstat(r)
		switch {
		case err != nil:
			t.missing[r] = struct{}{}
		case fi.IsDir():
			t.dirRoots = append(t.dirRoots, r)
		default:
			t.fileRoots = append(t.fileRoots, r)
		}
	}
	for _, r := range t.dirRoots {
		if !t.skip(r, true) {
			if err := t.addTree(ctx, r); err != nil {
				return err
			}
		}
	}
	for _, r := range t.fileRoots {
		if !t.skip(r, false) {
			t.watch(filepath.Dir(r))
		}
	}
	return nil
}

// addTree watches dir and every folder below it that is not excluded,
// without following symlinks.
func (t *tree) addTree(ctx context.Context, dir string) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil // unreadable or gone: its parent's events or the scans cover it
		}
		if p != dir && t.skip(p, true) {
			return filepath.SkipDir
		}
		t.watch(p)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	return nil
}

// watch adds a watch on dir. A failure is recorded, never returned: what is
// not watched is covered by the regular scans.
func (t *tree) watch(dir string) {
	if t.folders[dir] {
		return
	}
	err := t.add(dir)
	switch {
	case err == nil:
		t.record(dir, true)
	case errors.Is(err, fs.ErrNotExist):
		// Gone already: its parent reports the removal.
	case isLimit(err):
		if !t.limited {
			t.limited, t.limit = true, systemLimit(t.max)
		}
		t.record(dir, false)
	default:
		if t.failure == nil {
			t.failure = fmt.Errorf("watch %s: %w", dir, err)
		}
		t.record(dir, false)
	}
}

func (t *tree) add(dir string) error {
	if t.max > 0 && t.watched >= t.max {
		return errMaxWatches
	}
	if t.budget < 0 {
		return t.fs.Add(dir)
	}
	cost := folderCost(dir)
	if !fits(t.used, cost, t.budget) {
		return errMaxWatches
	}
	if err := t.fs.Add(dir); err != nil {
		return err
	}
	t.used += cost
	t.costs[dir] = cost
	return nil
}

// record puts dir in the tree, watched or not.
func (t *tree) record(dir string, watched bool) {
	if was, ok := t.folders[dir]; ok {
		t.count(was, -1)
	} else {
		parent := filepath.Dir(dir)
		if t.kids[parent] == nil {
			t.kids[parent] = make(map[string]struct{})
		}
		t.kids[parent][dir] = struct{}{}
	}
	t.folders[dir] = watched
	t.count(watched, +1)
}

func (t *tree) count(watched bool, n int) {
	if watched {
		t.watched += n
	} else {
		t.unwatched += n
	}
	t.changed = true
}

// forget drops the watches on path and every folder below it, after path
// was removed or renamed away. It reports whether path was a folder of the
// tree. Roots that were at or below path are missing from then on.
func (t *tree) forget(path string) bool {
	if _, ok := t.folders[path]; !ok {
		return false
	}
	t.drop(path)
	delete(t.kids[filepath.Dir(path)], path)
	for _, r := range t.dirRoots {
		if within(r, path) {
			t.missing[r] = struct{}{}
		}
	}
	for _, r := range t.fileRoots {
		if within(filepath.Dir(r), path) {
			t.missing[r] = struct{}{}
		}
	}
	return true
}

func (t *tree) drop(dir string) {
	for kid := range t.kids[dir] {
		t.drop(kid)
	}
	delete(t.kids, dir)
	watched := t.folders[dir]
	delete(t.folders, dir)
	t.count(watched, -1)
	if watched {
		// The kernel may have dropped the watch already (the folder was
		// deleted); then Remove fails, and there is nothing left to undo.
		_ = t.fs.Remove(dir)
		t.used -= t.costs[dir]
		delete(t.costs, dir)
	}
}

func (t *tree) isFolder(path string) bool {
	_, ok := t.folders[path]
	return ok
}

// inSelection reports whether path is a root folder or below one, or a root
// file: the parent folder of a root file is watched for that file alone.
func (t *tree) inSelection(path string) bool {
	for _, r := range t.dirRoots {
		if within(path, r) {
			return true
		}
	}
	return slices.Contains(t.fileRoots, path)
}

// wanted reports whether the events of path are kept.
func (t *tree) wanted(path string, isDir bool) bool {
	return t.inSelection(path) && !t.skip(path, isDir)
}

// within reports whether p is root or below it; both are clean.
func within(p, root string) bool {
	if !strings.HasPrefix(p, root) {
		return false
	}
	return len(p) == len(root) || os.IsPathSeparator(p[len(root)]) ||
		os.IsPathSeparator(root[len(root)-1])
}

// status returns the tree's part of Status.
func (t *tree) status() Status {
	st := Status{Folders: t.watched, Limited: t.limited, Limit: t.limit, Unwatched: t.unwatched}
	for r := range t.missing {
		st.Missing = append(st.Missing, r)
	}
	slices.Sort(st.Missing)
	st.Problem = problem(st, t.failure)
	return st
}
