package getfiles

import (
	"path"
	"slices"
	"strings"
)

// checked is the set of archive paths checked for restore. A checked folder
// covers everything below it, so the set never holds a path together with
// one of its ancestors. Not safe for concurrent use (the UI thread owns it).
type checked struct {
	paths map[string]bool
}

func newChecked() *checked { return &checked{paths: map[string]bool{}} }

// ancestors returns the folders above p, nearest first ("/a/b" → "/a", "/").
func ancestors(p string) []string {
	var out []string
	for p != "/" && p != "." && p != "" {
		p = path.Dir(p)
		out = append(out, p)
	}
	return out
}

// under reports whether p is strictly below dir.
func under(p, dir string) bool {
	if dir == "/" {
		return p != "/" && strings.HasPrefix(p, "/")
	}
	return strings.HasPrefix(p, dir+"/")
}

// covered reports whether p is checked, itself or through a folder above it.
func (c *checked) covered(p string) bool {
	return c.paths[p] || c.coveredAbove(p)
}

// coveredAbove reports whether a folder above p is checked.
func (c *checked) coveredAbove(p string) bool {
	for _, a := range ancestors(p) {
		if c.paths[a] {
			return true
		}
	}
	return false
}

// partial reports whether some, not all, of what is below p is checked.
func (c *checked) partial(p string) bool {
	if c.covered(p) {
		return false
	}
	for q := range c.paths {
		if under(q, p) {
			return true
		}
	}
	return false
}

// check adds p; what was checked below it is now covered by it.
func (c *checked) check(p string) {
	if c.coveredAbove(p) {
		return
	}
	for q := range c.paths {
		if under(q, p) {
			delete(c.paths, q)
		}
	}
	c.paths[p] = true
}

// uncheck removes p. When a folder above p was checked, that folder is
// replaced by everything below it except p, which needs the children of
// each folder between them (children returns false when it does not know
// them); uncheck then changes nothing and returns false.
func (c *checked) uncheck(p string, children func(dir string) ([]string, bool)) bool {
	if c.paths[p] {
		delete(c.paths, p)
		return true
	}
	var top string
	for _, a := range ancestors(p) {
		if c.paths[a] {
			top = a
		}
	}
	if top == "" {
		return true
	}
	var add []string
	for dir := top; dir != p; {
		kids, ok := children(dir)
		if !ok {
			return false
		}
		next := ""
		for _, k := range kids {
			if k == p || under(p, k) {
				next = k
			} else {
				add = append(add, k)
			}
		}
		if next == "" {
			return false
		}
		dir = next
	}
	delete(c.paths, top)
	for _, k := range add {
		c.paths[k] = true
	}
	return true
}

// list returns the checked paths in order.
func (c *checked) list() []string {
	out := make([]string, 0, len(c.paths))
	for p := range c.paths {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func (c *checked) len() int { return len(c.paths) }

func (c *checked) clear() { clear(c.paths) }
