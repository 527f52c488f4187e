package selection

import (
	"path"
	"strings"
	"testing"
)

// mustCompile compiles patterns or fails the test.
func mustCompile(tb testing.TB, patterns []string, opts Options) *Matcher {
	tb.Helper()
	m, err := Compile(patterns, opts)
	if err != nil {
		tb.Fatalf("Compile(%q): %v", patterns, err)
	}
	return m
}

// excludedWithParents asks m about every folder from "/" down to p, then p:
// what the walker decides by not going into excluded folders.
func excludedWithParents(m *Matcher, p string, isDir bool) bool {
	for dir := "/"; dir != p; dir = nextDir(dir, p) {
		if m.Excluded(dir, true) {
			return true
		}
	}
	return m.Excluded(p, isDir)
}

// refExcluded is the reference meaning of patterns, without any of Compile's
// fast paths: a path is excluded when some pattern's elements, as parsed,
// match it or one of its folders, by plain backtracking and path.Match.
func refExcluded(tb testing.TB, patterns []string, opts Options, p string, isDir bool) bool {
	tb.Helper()
	if opts.CaseInsensitive {
		p = fold(p)
	}
	names := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if p == "/" {
		names = nil
	}
	for _, pattern := range patterns {
		s, err := parse(pattern, opts)
		if err != nil {
			tb.Fatalf("parse(%q): %v", pattern, err)
		}
		for k := 0; k <= len(names); k++ {
			dir := k < len(names) || isDir
			if (dir || !s.dirOnly) && refMatch(s.elems, names[:k]) {
				return true
			}
		}
	}
	return false
}

func refMatch(pat, names []string) bool {
	if len(pat) == 0 {
		return len(names) == 0
	}
	if pat[0] == anyElems {
		for i := 0; i <= len(names); i++ {
			if refMatch(pat[1:], names[i:]) {
				return true
			}
		}
		return false
	}
	if len(names) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], names[0])
	return ok && refMatch(pat[1:], names[1:])
}
