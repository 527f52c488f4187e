package getfiles

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckedCoversSubtrees(t *testing.T) {
	tree := map[string][]string{
		"/h":      {"/h/docs", "/h/pics", "/h/a.txt"},
		"/h/docs": {"/h/docs/x", "/h/docs/y.txt"},
	}
	children := func(dir string) ([]string, bool) { k, ok := tree[dir]; return k, ok }
	for _, c := range []struct {
		name    string
		do      func(c *checked)
		want    string
		partial string // a folder expected partial
	}{
		{"a folder", func(c *checked) { c.check("/h/docs") }, "/h/docs", "/h"},
		{"a folder covers what was checked in it", func(c *checked) { c.check("/h/docs/x"); c.check("/h/docs") }, "/h/docs", "/h"},
		{"inside a checked folder changes nothing", func(c *checked) { c.check("/h"); c.check("/h/docs/x") }, "/h", ""},
		{"unchecking inside a checked folder keeps the rest", func(c *checked) { c.check("/h"); c.uncheck("/h/docs/x", children) },
			"/h/a.txt,/h/docs/y.txt,/h/pics", "/h/docs"},
		{"unchecking the folder itself", func(c *checked) { c.check("/h"); c.uncheck("/h", children) }, "", ""},
		{"unknown children: nothing changes", func(c *checked) { c.check("/h"); c.uncheck("/h/pics/p.jpg", children) }, "/h", ""},
	} {
		ch := newChecked()
		c.do(ch)
		if got := strings.Join(ch.list(), ","); got != c.want {
			t.Errorf("%s: checked %q, want %q", c.name, got, c.want)
		}
		if c.partial != "" && !ch.partial(c.partial) {
			t.Errorf("%s: %s is not partly checked", c.name, c.partial)
		}
		for _, p := range ch.list() {
			if !ch.covered(p+"/below") || ch.partial(p) {
				t.Errorf("%s: %s does not cover what is below it", c.name, p)
			}
		}
	}
}

func TestAncestorsAndCommonDir(t *testing.T) {
	if got := ancestors("/a/b/c"); !slices.Equal(got, []string{"/a/b", "/a", "/"}) {
		t.Errorf("ancestors = %q", got)
	}
	for paths, want := range map[string]string{"/a/b/c": "/a/b", "/a/b/c,/a/b/d": "/a/b", "/a/b/c,/a/x": "/a", "/a,/b": "/"} {
		if got := commonDir(strings.Split(paths, ",")); got != want {
			t.Errorf("commonDir(%s) = %q, want %q", paths, got, want)
		}
	}
}
