package selection

import (
	"path"
	"slices"
	"strings"
)

// Selection is what the user chose to back up. It is JSON-friendly: the
// configuration file stores it as it is.
type Selection struct {
	// Include lists absolute folders or files (slash-separated, Windows
	// drives as "/C:/..."); a folder brings everything below it.
	Include []string `json:"include"`
	// Exclude lists the user's own patterns. They, and Defaults, win over
	// Include for everything from an included folder down.
	Exclude []string `json:"exclude"`
	// Defaults lists the default exclusions in effect. It is seeded from
	// DefaultExclusions on first run and then edited like the rest: a user
	// can remove one, and the program never puts it back by itself.
	Defaults []string `json:"defaults"`
}

// IsCaseInsensitive reports whether goos's default file system ignores
// letter case, which is what Options.CaseInsensitive should say for it.
func IsCaseInsensitive(goos string) bool {
	return goos == "windows" || goos == "darwin"
}

// Matcher compiles Exclude and Defaults for goos ("linux", "darwin",
// "windows") with home as the folder "~" stands for.
func (s Selection) Matcher(goos, home string) (*Matcher, error) {
	patterns := slices.Concat(s.Exclude, s.Defaults)
	return Compile(patterns, Options{CaseInsensitive: IsCaseInsensitive(goos), Home: home})
}

// Roots returns the folders and files the walker starts from: Include
// cleaned, without duplicates, without those inside another included folder
// (it is walked already), and without entries that are not absolute paths,
// which have no meaning here. Roots are sorted.
func (s Selection) Roots() []string {
	var clean []string
	for _, p := range s.Include {
		if strings.HasPrefix(p, "/") {
			clean = append(clean, path.Clean(p))
		}
	}
	slices.Sort(clean)
	clean = slices.Compact(clean)
	var roots []string
	for _, p := range clean {
		if !slices.ContainsFunc(roots, func(r string) bool { return within(p, r) }) {
			roots = append(roots, p)
		}
	}
	return roots
}

// within reports whether p is root or below it. Both are clean.
func within(p, root string) bool {
	if root == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == root || (strings.HasPrefix(p, root) && p[len(root)] == '/')
}

// Contains reports whether the file at path is backed up: it is inside some
// root and neither it nor any folder between the root and it is excluded by
// m (m may be nil: no exclusions). It is what the walker decides, for one
// path, without walking: for a file event from a watcher, for example.
//
// Exclusions win from the root down, the root included; folders above a root
// are not consulted, so that a root below a default exclusion ("/mnt/data",
// below "/mnt") is still backed up. With a case-insensitive m, path and roots
// are compared regardless of case too.
func (s Selection) Contains(path string, m *Matcher) bool {
	return s.contains(path, false, m)
}

// ContainsDir is Contains for a folder: patterns that end in "/" apply to
// path itself too.
func (s Selection) ContainsDir(path string, m *Matcher) bool {
	return s.contains(path, true, m)
}

func (s Selection) contains(p string, isDir bool, m *Matcher) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	p = path.Clean(p)
	foldCase := m != nil && m.fold
	if foldCase {
		p = fold(p) // compare roots in the same form; Excluded folds anyway
	}
	root, ok := s.rootOf(p, foldCase)
	if !ok {
		return false
	}
	for dir := root; dir != p; dir = nextDir(dir, p) {
		if m.Excluded(dir, true) {
			return false
		}
	}
	return !m.Excluded(p, isDir)
}

// rootOf returns the root p is within, folded when foldCase (p already is).
func (s Selection) rootOf(p string, foldCase bool) (string, bool) {
	for _, r := range s.Roots() {
		if foldCase {
			r = fold(r)
		}
		if within(p, r) {
			return r, true
		}
	}
	return "", false
}

// nextDir returns the element of p one level below dir, which p is within.
func nextDir(dir, p string) string {
	start := len(dir) + 1
	if dir == "/" {
		start = 1
	}
	if i := strings.IndexByte(p[start:], '/'); i >= 0 {
		return p[:start+i]
	}
	return p
}
