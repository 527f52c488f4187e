package managefiles

import (
	"slices"

	"github.com/cairnbackup/cairn/engine/selection"
)

// tapResult is what a tap on a path's box does.
type tapResult struct {
	sel selection.Selection // the selection after the tap
	// blockedBy, when not empty, lists patterns that leave out blockedAt
	// (the path or a folder above it) in a way a tap cannot undo: the
	// person is asked whether to remove them (then check again, after
	// v.without). sel is then unchanged.
	blockedBy []string
	blockedAt string
}

// lister returns the paths of what a folder holds, as the tree last listed
// it; ok is false when the folder has not been listed.
type lister func(dir string) (paths []string, ok bool)

// tap is what tapping p's box does. A checked box is unchecked, an
// unchecked one checked; a partial one is checked fully (everything below
// included), or, when that changes nothing because only patterns the tree
// cannot override leave things out below it, unchecked.
func (v view) tap(p string, isDir bool, ls lister) tapResult {
	switch v.stateOf(p, isDir) {
	case Checked:
		return tapResult{sel: v.uncheck(p, isDir)}
	case Unchecked:
		return v.check(p, isDir, ls)
	}
	if !v.included(p, isDir) {
		return v.check(p, isDir, ls)
	}
	if r := v.check(p, isDir, ls); len(r.blockedBy) == 0 && !sameSelection(r.sel, v.sel) {
		return r
	}
	return tapResult{sel: v.uncheck(p, isDir)}
}

// check includes p with everything below it. The person's own exclusions
// of p and of paths below it go. If no root brings p, p becomes a root.
// If a folder above p was unchecked (a pattern naming it), that pattern
// gives way to patterns naming what the folder holds besides the way down
// to p. Roots below p that p now brings are dropped.
func (v view) check(p string, isDir bool, ls lister) tapResult {
	s := cloneSelection(v.sel)
	k := v.key(p)
	s.Exclude = slices.DeleteFunc(s.Exclude, func(pat string) bool {
		x, ok := v.exactPath(pat)
		return ok && within(x, k)
	})
	w := v.with(s)
	if !w.included(p, isDir) {
		root, ok := w.rootOf(p)
		if !ok {
			s.Include = append(s.Include, p)
			root, w = p, v.with(s)
		}
		var r tapResult
		if w, r = w.openWay(root, p, isDir, ls); len(r.blockedBy) > 0 {
			r.sel = v.sel
			return r
		}
	}
	return tapResult{sel: w.dropRedundantBelow(p)}
}

// rootOf returns the included root p is within.
func (v view) rootOf(p string) (string, bool) {
	k := v.key(p)
	for _, r := range v.sel.Roots() {
		if within(k, v.key(r)) {
			return r, true
		}
	}
	return "", false
}

// openWay clears the way from root down to p, folder by folder: a folder
// left out by the person's pattern naming it is opened up (split), one left
// out by any other pattern blocks.
func (v view) openWay(root, p string, isDir bool, ls lister) (view, tapResult) {
	for _, a := range ancestors(p) {
		if !within(v.key(a), v.key(root)) {
			continue
		}
		blockers := v.excludedBy(a, isDir || a != p)
		if len(blockers) == 0 {
			continue
		}
		next, ok := v.split(a, p, blockers, ls)
		if !ok {
			return v, tapResult{blockedBy: blockers, blockedAt: a}
		}
		v = next
	}
	return v, tapResult{}
}

// split replaces the person's patterns naming folder a (blockers) by
// patterns naming what a holds, and what each folder on the way from a
// down to p holds, except that way: p is then the only thing in a that is
// backed up.
func (v view) split(a, p string, blockers []string, ls lister) (view, bool) {
	for _, b := range blockers {
		if x, ok := v.exactPath(b); !ok || x != v.key(a) || !slices.Contains(v.sel.Exclude, b) {
			return v, false
		}
	}
	s := v.without(blockers)
	for _, d := range ancestors(p) {
		if !within(v.key(d), v.key(a)) || d == p {
			continue
		}
		paths, ok := ls(d)
		if !ok {
			return v, false
		}
		for _, c := range paths {
			if !within(v.key(p), v.key(c)) {
				s.Exclude = append(s.Exclude, patternFor(c, v.home))
			}
		}
	}
	return v.with(s), true
}

// uncheck leaves p and everything below it out: roots at or below p go,
// with the person's exclusions below p (nothing there is backed up now), and
// if a root above p still brings it, a pattern naming p leaves it out.
func (v view) uncheck(p string, isDir bool) selection.Selection {
	s := cloneSelection(v.sel)
	k := v.key(p)
	s.Include = slices.DeleteFunc(s.Include, func(e string) bool { return within(v.key(cleanInclude(e)), k) })
	s.Exclude = slices.DeleteFunc(s.Exclude, func(pat string) bool {
		x, ok := v.exactPath(pat)
		return ok && below(x, k)
	})
	if v.with(s).included(p, isDir) {
		s.Exclude = append(s.Exclude, patternFor(p, v.home))
	}
	return s
}

// dropRedundantBelow returns the selection without the included roots
// strictly below p that another root brings already.
func (v view) dropRedundantBelow(p string) selection.Selection {
	s := cloneSelection(v.sel)
	k := v.key(p)
	for i := 0; i < len(s.Include); {
		e := cleanInclude(s.Include[i])
		rest := selection.Selection{Include: slices.Delete(slices.Clone(s.Include), i, i+1)}
		if e != "" && below(v.key(e), k) && rest.Contains(e, v.m) {
			s.Include = rest.Include
			continue
		}
		i++
	}
	return s
}

// without returns the selection without the given patterns, the person's
// or defaults.
func (v view) without(patterns []string) selection.Selection {
	s := cloneSelection(v.sel)
	drop := func(p string) bool { return slices.Contains(patterns, p) }
	s.Exclude = slices.DeleteFunc(s.Exclude, drop)
	s.Defaults = slices.DeleteFunc(s.Defaults, drop)
	return s
}
