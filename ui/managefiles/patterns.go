package managefiles

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cairnbackup/cairn/engine/selection"
)

// errDuplicate means the pattern is in the list already.
var errDuplicate = errors.New("the pattern is in the list already")

// errEmpty means no pattern was typed.
var errEmpty = errors.New("no pattern was typed")

// addPattern returns the selection with the person's pattern p added to
// Exclude, after checking that it compiles and is not there already.
func (v view) addPattern(p string) (selection.Selection, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return v.sel, errEmpty
	}
	if slices.Contains(v.sel.Exclude, p) || slices.Contains(v.sel.Defaults, p) {
		return v.sel, errDuplicate
	}
	opts := selection.Options{CaseInsensitive: v.fold, Home: v.home}
	if _, err := selection.Compile([]string{p}, opts); err != nil {
		return v.sel, err
	}
	s := cloneSelection(v.sel)
	s.Exclude = append(s.Exclude, p)
	return s, nil
}

// patternProblem is why Compile refused p, without the part of its message
// that repeats the pattern ("bad exclusion pattern \"[a\": ").
func patternProblem(p string, err error) string {
	prefix := fmt.Sprintf("%v %q: ", selection.ErrBadPattern, strings.TrimSpace(p))
	return strings.TrimPrefix(err.Error(), prefix)
}

// restoreDefaults returns the selection with this system's default
// exclusions in effect again, the person's own patterns kept.
func (v view) restoreDefaults() selection.Selection {
	s := cloneSelection(v.sel)
	s.Defaults = selection.DefaultExclusions(v.goos, v.home)
	return s
}

// defaultsRestored reports whether the defaults in effect are this
// system's, all of them.
func (v view) defaultsRestored() bool {
	have, want := slices.Clone(v.sel.Defaults), selection.DefaultExclusions(v.goos, v.home)
	slices.Sort(have)
	slices.Sort(want)
	return slices.Equal(slices.Compact(have), slices.Compact(want))
}

// removePattern returns the selection without pattern p, from the
// defaults or from the person's own.
func (v view) removePattern(p string, isDefault bool) selection.Selection {
	s := cloneSelection(v.sel)
	if isDefault {
		s.Defaults = slices.DeleteFunc(s.Defaults, func(x string) bool { return x == p })
	} else {
		s.Exclude = slices.DeleteFunc(s.Exclude, func(x string) bool { return x == p })
	}
	return s
}
