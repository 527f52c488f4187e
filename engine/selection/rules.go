package selection

import (
	"path"
	"strings"
)

// Which entries a compiled rule applies to, as bits so that one map value can
// hold both: a rule for any entry, and a rule for folders only ("name/").
const (
	forAny uint8 = 1 << iota
	forDir
)

// applies is the bit set a rule's kind must intersect for an entry to match.
func applies(isDir bool) uint8 {
	if isDir {
		return forAny | forDir
	}
	return forAny
}

func ruleBit(dirOnly bool) uint8 {
	if dirOnly {
		return forDir
	}
	return forAny
}

// nameKind says how a base-name rule that is neither a plain name nor a plain
// extension is checked.
type nameKind uint8

const (
	namePrefix nameKind = iota // "~$*": strings.HasPrefix
	nameSuffix                 // "*~", "*.tar.gz": strings.HasSuffix
	nameGlob                   // anything else: path.Match
)

// nameRule matches the last element of a path.
type nameRule struct {
	kind nameKind
	s    string // the literal prefix or suffix, or the path.Match pattern
	bit  uint8
}

func (r nameRule) match(name string) bool {
	switch r.kind {
	case namePrefix:
		return strings.HasPrefix(name, r.s)
	case nameSuffix:
		return strings.HasSuffix(name, r.s)
	}
	ok, _ := path.Match(r.s, name) // the pattern was checked at Compile
	return ok
}

// elem is one element of a path rule.
type elem struct {
	s    string // the literal name (unescaped), or the path.Match pattern
	glob bool   // s is a pattern
	any  bool   // "**": any number of elements
}

func newElem(e string) elem {
	if e == anyElems {
		return elem{any: true}
	}
	if lit, ok := Literal(e); ok {
		return elem{s: lit}
	}
	return elem{s: e, glob: true}
}

func (e elem) match(name string) bool {
	if !e.glob {
		return e.s == name
	}
	ok, _ := path.Match(e.s, name)
	return ok
}

// pathRule matches a whole path, element by element. The literal elements it
// starts with are kept as a string prefix, a quick test that rejects most paths.
type pathRule struct {
	prefix string // "/" + leading literal elements + "/", or "/" when there are none
	elems  []elem // the elements after the prefix
	bit    uint8
}

func newPathRule(elems []string, bit uint8) pathRule {
	r := pathRule{prefix: "/", bit: bit}
	i := 0
	for ; i < len(elems)-1; i++ { // the last element stays, so elems is never empty
		lit, ok := Literal(elems[i])
		if !ok || elems[i] == anyElems {
			break
		}
		r.prefix += lit + "/"
	}
	for _, e := range elems[i:] {
		r.elems = append(r.elems, newElem(e))
	}
	return r
}

func (r pathRule) match(p string) bool {
	if !strings.HasPrefix(p, r.prefix) {
		return false
	}
	return matchElems(r.elems, p[len(r.prefix):])
}

// matchElems reports whether the elements of p ("a/b/c", no leading slash)
// match pat. It is the classic wildcard algorithm with path elements for
// characters: on a mismatch it goes back to the last "**" and lets it take one
// more element. That is enough (an earlier "**" never needs to take more), so
// the cost stays within len(pat) × elements of p, whatever the pattern.
func matchElems(pat []elem, p string) bool {
	pi, star, starP := 0, -1, ""
	for p != "" {
		switch {
		case pi < len(pat) && pat[pi].any:
			star, starP = pi, p
			pi++
			continue
		case pi < len(pat):
			name, rest := cutElem(p)
			if pat[pi].match(name) {
				pi, p = pi+1, rest
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, starP = cutElem(starP)
		pi, p = star+1, starP
	}
	for pi < len(pat) && pat[pi].any {
		pi++
	}
	return pi == len(pat)
}

// cutElem splits "a/b/c" into "a" and "b/c".
func cutElem(p string) (name, rest string) {
	name, rest, _ = strings.Cut(p, "/")
	return name, rest
}
