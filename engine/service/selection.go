package service

import (
	"slices"

	"github.com/cairnbackup/cairn/engine/selection"
)

// The selection the last complete scan covered is kept (its key, roots and
// exclusions), so that a change can be followed at once: folders added to
// it get a scan of their own, any other change a scan of everything, and
// until that completes the state says so (State.SelectionAdded) and never
// that all is safe. It follows the configuration whether or not a watcher
// runs.

// coverage is what a complete scan covered.
type coverage struct {
	key   string   // device.WatchPlan's key: changes whenever anything below does
	roots []string // the selected roots
	sel   selection.Selection
}

// selectionChanged reads the selection, notes what was added since the last
// complete scan (l.added), and reports whether anything changed.
func (l *loop) selectionChanged() bool {
	sel := l.s.d.Config().Selection // before the plan: if they differ, the plan is the newer
	plan, err := l.s.d.WatchPlan()
	if err != nil {
		return false // the selection cannot be read: the pass says why
	}
	l.now = coverage{key: plan.Key, roots: plan.Roots, sel: sel}
	changed := l.scanned.key != "" && l.scanned.key != plan.Key
	l.added = nil
	if changed {
		l.added = addedRoots(l.scanned, l.now)
	}
	if l.s.State().SelectionAdded != changed {
		l.s.publish(func(st *State) { st.SelectionAdded = changed })
	}
	return changed
}

// addedRoots are the roots selected since before, when adding them is all
// that changed; nil when something else changed too (a folder taken out,
// an exclusion, a destination): then everything is scanned.
func addedRoots(before, now coverage) []string {
	if !slices.Equal(before.sel.Exclude, now.sel.Exclude) || !slices.Equal(before.sel.Defaults, now.sel.Defaults) {
		return nil
	}
	for _, r := range before.roots {
		if !slices.Contains(now.roots, r) {
			return nil
		}
	}
	var added []string
	for _, r := range now.roots {
		if !slices.Contains(before.roots, r) {
			added = append(added, r)
		}
	}
	return added
}
