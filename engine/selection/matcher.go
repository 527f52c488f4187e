package selection

import "strings"

// Options says how Compile reads patterns.
type Options struct {
	// CaseInsensitive makes patterns match regardless of letter case. Set it
	// for Windows and macOS, whose default file systems (NTFS, APFS) ignore
	// case: there "Thumbs.db" and "thumbs.db" are the same file. Off by
	// default because Linux file systems tell them apart.
	CaseInsensitive bool
	// Home is the user's home folder in the matcher's path form (absolute,
	// slash-separated, "/C:/Users/ana" on Windows). A leading "~/" in a
	// pattern stands for it. Patterns are stored with "~" so that a
	// configuration survives a renamed account; Compile needs Home only when
	// some pattern uses "~", and fails without it.
	Home string
}

// Matcher answers whether a path is excluded. It is immutable after Compile
// and safe for concurrent use.
//
// Each pattern is sorted at Compile into the cheapest form that keeps its
// meaning: a plain base name or extension becomes a map key, "prefix*" and
// "*suffix" a string test, a plain absolute path a map key; only the rest
// goes through the element matcher, and even those are indexed by their last
// element when it is plain, or rejected early by their literal leading folders.
type Matcher struct {
	fold     bool                  // compare folded paths (Options.CaseInsensitive)
	exact    map[string]uint8      // plain absolute paths → forAny|forDir
	names    map[string]uint8      // plain base names
	exts     map[string]uint8      // "*.ext" patterns, keyed by ".ext"
	nameRule []nameRule            // other base-name patterns
	byLast   map[string][]pathRule // path patterns ending in a plain name, keyed by it
	paths    []pathRule            // the remaining path patterns
	patterns []string              // as given, for String
}

// Compile checks and compiles patterns (see the package documentation for the
// language). A pattern Compile cannot use makes it fail with an error that
// wraps ErrBadPattern and names the pattern.
func Compile(patterns []string, opts Options) (*Matcher, error) {
	m := &Matcher{
		fold:     opts.CaseInsensitive,
		exact:    map[string]uint8{},
		names:    map[string]uint8{},
		exts:     map[string]uint8{},
		byLast:   map[string][]pathRule{},
		patterns: append([]string(nil), patterns...),
	}
	for _, p := range patterns {
		s, err := parse(p, opts)
		if err != nil {
			return nil, err
		}
		m.add(normalize(s.elems), ruleBit(s.dirOnly))
	}
	return m, nil
}

// add files one normalized pattern under its fastest form.
func (m *Matcher) add(elems []string, bit uint8) {
	if len(elems) == 2 && elems[0] == anyElems && elems[1] != anyElems {
		m.addName(elems[1], bit)
		return
	}
	if lit, ok := literalPath(elems); ok {
		m.exact[lit] |= bit
		return
	}
	r := newPathRule(elems, bit)
	if last := r.elems[len(r.elems)-1]; !last.glob && !last.any {
		m.byLast[last.s] = append(m.byLast[last.s], r)
		return
	}
	m.paths = append(m.paths, r)
}

// addName files a base-name pattern.
func (m *Matcher) addName(e string, bit uint8) {
	if lit, ok := Literal(e); ok {
		m.names[lit] |= bit
		return
	}
	if suffix, ok := Literal(e[1:]); e[0] == '*' && ok && suffix != "" {
		if isExt(suffix) {
			m.exts[suffix] |= bit
		} else {
			m.nameRule = append(m.nameRule, nameRule{kind: nameSuffix, s: suffix, bit: bit})
		}
		return
	}
	if prefix, ok := Literal(e[:len(e)-1]); e[len(e)-1] == '*' && ok && prefix != "" {
		m.nameRule = append(m.nameRule, nameRule{kind: namePrefix, s: prefix, bit: bit})
		return
	}
	m.nameRule = append(m.nameRule, nameRule{kind: nameGlob, s: e, bit: bit})
}

// isExt reports whether s is what a name's extension lookup finds: a dot and
// no other dot, like ".tmp" (not ".tar.gz", which is a suffix).
func isExt(s string) bool {
	return strings.LastIndexByte(s, '.') == 0
}

// literalPath returns "/a/b/c" when every element is plain.
func literalPath(elems []string) (string, bool) {
	var b strings.Builder
	for _, e := range elems {
		lit, ok := Literal(e)
		if !ok || e == anyElems {
			return "", false
		}
		b.WriteString("/")
		b.WriteString(lit)
	}
	return b.String(), true
}

// Excluded reports whether path (a file, or a folder when isDir) is excluded.
// An excluded folder excludes its whole subtree: the walker does not descend
// into it.
//
// path is absolute, clean and slash-separated ("/home/ana/a.txt",
// "/C:/Users/ana/a.txt"). Excluded looks at path itself, not at its parent
// folders: the walker asked about those before it got here. To ask about any
// path, with its folders, use Selection.Contains. A nil Matcher excludes
// nothing.
func (m *Matcher) Excluded(path string, isDir bool) bool {
	if m == nil {
		return false
	}
	if m.fold {
		path = fold(path)
	}
	want := applies(isDir)
	name := path[strings.LastIndexByte(path, '/')+1:]
	return m.exact[path]&want != 0 ||
		m.names[name]&want != 0 ||
		m.extExcluded(name, want) ||
		(name != "" && m.nameRuleExcluded(name, want)) || // "/" has no name
		pathRulesMatch(m.byLast[name], path, want) ||
		pathRulesMatch(m.paths, path, want)
}

func (m *Matcher) extExcluded(name string, want uint8) bool {
	i := strings.LastIndexByte(name, '.')
	return i >= 0 && m.exts[name[i:]]&want != 0
}

func (m *Matcher) nameRuleExcluded(name string, want uint8) bool {
	for _, r := range m.nameRule {
		if r.bit&want != 0 && r.match(name) {
			return true
		}
	}
	return false
}

func pathRulesMatch(rules []pathRule, path string, want uint8) bool {
	for _, r := range rules {
		if r.bit&want != 0 && r.match(path) {
			return true
		}
	}
	return false
}

// Patterns returns the patterns the Matcher was compiled from, as given.
func (m *Matcher) Patterns() []string {
	if m == nil {
		return nil
	}
	return append([]string(nil), m.patterns...)
}
