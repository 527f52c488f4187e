package managefiles

import (
	"path"
	"slices"

	"github.com/cairnbackup/cairn/engine/selection"
)

// State is what a check box in the tree shows.
type State uint8

const (
	// Unchecked: nothing at or below the path is backed up.
	Unchecked State = iota
	// Checked: the path is backed up, with all it holds that no name
	// pattern leaves out.
	Checked
	// Partial: a folder of which some is backed up and some is not: it is
	// left out but a folder below it is included, or it is included but
	// a pattern naming a path below it leaves something out.
	Partial
)

// view is a selection with what the screen asks of it: which state a
// path's box shows, and what a tap does (toggle.go). It never reads the
// disk: deciding states cheaply is what lets the tree draw any folder at
// once.
type view struct {
	sel     selection.Selection
	m       *selection.Matcher // nil when a pattern does not compile (err says why)
	err     error
	goos    string
	home    string // the home folder in the selection's form
	fold    bool   // the system ignores letter case
	anchors []anchor
}

// anchor is where an absolute pattern applies (see anchorOf), in key form.
type anchor struct {
	path  string
	exact bool
}

// newView compiles sel's patterns for goos, with home ("/home/ana") for "~".
func newView(sel selection.Selection, goos, home string) view {
	v := view{sel: sel, goos: goos, home: home, fold: selection.IsCaseInsensitive(goos)}
	v.m, v.err = sel.Matcher(goos, home)
	for _, p := range slices.Concat(sel.Exclude, sel.Defaults) {
		if a, exact, ok := anchorOf(p, home); ok {
			v.anchors = append(v.anchors, anchor{v.key(a), exact})
		}
	}
	return v
}

// with is a view of another selection on the same system.
func (v view) with(sel selection.Selection) view { return newView(sel, v.goos, v.home) }

// key is p in the form paths are compared in: case folded where case does
// not count.
func (v view) key(p string) string {
	if v.fold {
		return foldCase(p)
	}
	return p
}

// included reports whether the backup takes p.
func (v view) included(p string, isDir bool) bool {
	if isDir {
		return v.sel.ContainsDir(p, v.m)
	}
	return v.sel.Contains(p, v.m)
}

// stateOf is the state of p's box.
func (v view) stateOf(p string, isDir bool) State {
	switch {
	case v.included(p, isDir) && isDir && v.excludesBelow(p):
		return Partial
	case v.included(p, isDir):
		return Checked
	case isDir && v.includesBelow(p):
		return Partial
	}
	return Unchecked
}

// includesBelow reports whether a root strictly below p is backed up.
func (v view) includesBelow(p string) bool {
	k := v.key(p)
	for _, r := range v.sel.Roots() {
		if below(v.key(r), k) && v.sel.Contains(r, v.m) {
			return true
		}
	}
	return false
}

// excludesBelow reports whether an absolute pattern leaves out something
// below p: a plain one names a path strictly below p, or one with a
// wildcard starts at p or below it. Patterns that match names anywhere
// ("*.tmp") do not count: telling would need a walk.
func (v view) excludesBelow(p string) bool {
	k := v.key(p)
	for _, a := range v.anchors {
		if (a.exact && below(a.path, k)) || (!a.exact && within(a.path, k)) {
			return true
		}
	}
	return false
}

// exactPath returns the path a plain absolute pattern names.
func (v view) exactPath(pattern string) (string, bool) {
	p, exact, ok := anchorOf(pattern, v.home)
	return v.key(p), ok && exact
}

// excludedBy returns the patterns that leave p itself out, whatever is
// included.
func (v view) excludedBy(p string, isDir bool) []string {
	var out []string
	opts := selection.Options{CaseInsensitive: v.fold, Home: v.home}
	for _, pat := range slices.Concat(v.sel.Exclude, v.sel.Defaults) {
		m, err := selection.Compile([]string{pat}, opts)
		if err == nil && m.Excluded(p, isDir) {
			out = append(out, pat)
		}
	}
	return out
}

// cleanInclude returns an Include entry in clean form ("" for one that is
// not an absolute path, which the engine ignores).
func cleanInclude(e string) string {
	if len(e) == 0 || e[0] != '/' {
		return ""
	}
	return path.Clean(e)
}

// sameSelection reports whether a and b select the same way, entry for entry.
func sameSelection(a, b selection.Selection) bool {
	return slices.Equal(a.Include, b.Include) && slices.Equal(a.Exclude, b.Exclude) &&
		slices.Equal(a.Defaults, b.Defaults)
}

// cloneSelection copies s, so that changing the copy leaves s as it was.
func cloneSelection(s selection.Selection) selection.Selection {
	return selection.Selection{Include: slices.Clone(s.Include), Exclude: slices.Clone(s.Exclude),
		Defaults: slices.Clone(s.Defaults)}
}
