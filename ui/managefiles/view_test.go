package managefiles

import (
	"slices"
	"testing"

	"github.com/cairnbackup/cairn/engine/selection"
)

const home = "/home/ana"

// sel is a selection with home included and a few defaults of each kind.
func sel(include []string, exclude ...string) selection.Selection {
	return selection.Selection{Include: include, Exclude: exclude,
		Defaults: []string{"~/.cache", "*.tmp", "/proc", ".Trash-*/", "~/.config/**/Cache/"}}
}

var homeOnly = []string{home}

func TestStateOf(t *testing.T) {
	for _, c := range []struct {
		name  string
		s     selection.Selection
		path  string
		isDir bool
		want  State
	}{
		{"the root above an included home", sel(homeOnly), "/", true, Partial},
		{"a folder above home", sel(homeOnly), "/home", true, Partial},
		{"home with ~/.cache left out below it", sel(homeOnly), home, true, Partial},
		{"a folder in home", sel(homeOnly), home + "/Documents", true, Checked},
		{"a file in home", sel(homeOnly), home + "/notes.txt", false, Checked},
		{"~/.cache, a default", sel(homeOnly), home + "/.cache", true, Unchecked},
		{"inside ~/.cache", sel(homeOnly), home + "/.cache/thumbnails", true, Unchecked},
		{"a file a name pattern leaves out", sel(homeOnly), home + "/a.tmp", false, Unchecked},
		{"a folder-only pattern on a folder", sel(homeOnly), home + "/.Trash-1000", true, Unchecked},
		{"a folder-only pattern on a file", sel(homeOnly), home + "/.Trash-1000", false, Checked},
		{"a wildcard pattern starting at a folder", sel(homeOnly), home + "/.config", true, Partial},
		{"a folder outside the selection", sel(homeOnly), "/etc", true, Unchecked},
		{"another person's home", sel(homeOnly), "/home/bob", true, Unchecked},
		{"a subfolder the person unchecked", sel(homeOnly, "~/Music"), home + "/Music", true, Unchecked},
		{"the folder above it", sel(homeOnly, "~/Music"), home, true, Partial},
		{"a name with brackets, left out", sel(homeOnly, `~/a\[1\]`), home + "/a[1]", true, Unchecked},
		{"the name the brackets would match", sel(homeOnly, `~/a\[1\]`), home + "/a1", true, Checked},
		{"the whole disk included", sel([]string{"/"}), "/", true, Partial},
		{"/proc with the whole disk", sel([]string{"/"}), "/proc", true, Unchecked},
		{"a root below a default exclusion", sel([]string{"/proc/x"}), "/proc", true, Partial},
		{"nothing included", sel(nil), home, true, Unchecked},
		{"below a root inside a default exclusion", sel([]string{"/proc/x"}), "/proc/x/y", false, Checked},
	} {
		v := newView(c.s, "linux", home)
		if v.err != nil {
			t.Fatal(v.err)
		}
		if got := v.stateOf(c.path, c.isDir); got != c.want {
			t.Errorf("%s: stateOf(%q) = %v, want %v", c.name, c.path, got, c.want)
		}
	}
}

func TestStateOfIgnoresCaseWhereTheSystemDoes(t *testing.T) {
	s := selection.Selection{Include: []string{"/C:/Users/Ana"}, Exclude: []string{"~/Music"}}
	v := newView(s, "windows", "/C:/Users/Ana")
	for p, want := range map[string]State{"/C:/Users/ana/Documents": Checked, "/c:/users/ana/MUSIC": Unchecked,
		"/C:/users/ANA": Partial, "/C:/Users/bob": Unchecked} {
		if got := v.stateOf(p, true); got != want {
			t.Errorf("stateOf(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestTap(t *testing.T) {
	both := []string{home, "/srv/data"}
	for _, c := range []struct {
		name    string
		s       selection.Selection
		path    string
		isDir   bool
		want    selection.Selection
		blocked []string
		after   State
	}{
		{"unchecking a subfolder excludes it by name, with ~", sel(homeOnly), home + "/Music", true,
			sel(homeOnly, "~/Music"), nil, Unchecked},
		{"checking it again removes that pattern", sel(homeOnly, "~/Music"), home + "/Music", true,
			sel(homeOnly), nil, Checked},
		{"checking a folder of an unchecked folder leaves out the rest of it", sel(homeOnly, "~/Documents"),
			home + "/Documents/notes", true, sel(homeOnly, "~/Documents/a.txt", "~/Documents/old"), nil, Checked},
		{"two levels down", sel(homeOnly, "~/Documents"), home + "/Documents/old/2020", true,
			sel(homeOnly, "~/Documents/a.txt", "~/Documents/notes", "~/Documents/old/2019"), nil, Checked},
		{"checking a folder outside home includes it", sel(homeOnly), "/srv/data", true, sel(both), nil, Checked},
		{"unchecking an included root removes it", sel(both), "/srv/data", true, sel(homeOnly), nil, Unchecked},
		{"checking a partial folder above a root includes it, the root is redundant", sel(homeOnly), "/", true,
			sel([]string{"/"}), nil, Partial},
		{"a partial folder with the person's exclusions below is checked fully", sel(homeOnly, "~/Music", "/srv"), home, true,
			sel(homeOnly, "/srv"), nil, Partial},
		{"a partial folder only defaults leave things out of is unchecked", sel(homeOnly), home, true,
			sel([]string{}), nil, Unchecked},
		{"unchecking a root that another root brings excludes it", sel([]string{home, home + "/Documents"}), home + "/Documents", true,
			sel(homeOnly, "~/Documents"), nil, Unchecked},
		{"unchecking a folder with a root below it removes both", sel([]string{"/srv", "/srv/data"}), "/srv", true,
			sel([]string{}), nil, Unchecked},
		{"unchecking outside home names the path", sel([]string{"/"}), "/srv", true, sel([]string{"/"}, "/srv"), nil, Unchecked},
		{"a file inside a folder a default names is blocked by it", sel(homeOnly), home + "/.cache/keep.txt", false,
			sel(homeOnly), []string{"~/.cache"}, Unchecked},
		{"a folder inside one the person unchecked, not listed yet, is blocked", sel(homeOnly, "~/Music"), home + "/Music/old", true,
			sel(homeOnly, "~/Music"), []string{"~/Music"}, Unchecked},
		{"a folder a default names is blocked by it", sel(homeOnly), home + "/.cache", true,
			sel(homeOnly), []string{"~/.cache"}, Unchecked},
		{"a file a name pattern matches is blocked by it", sel(homeOnly), home + "/a.tmp", false,
			sel(homeOnly), []string{"*.tmp"}, Unchecked},
		{"unchecking a name with wildcards escapes them", sel(homeOnly), home + `/re*port[1]?\.txt`, false,
			sel(homeOnly, `~/re\*port\[1]\?\\.txt`), nil, Unchecked},
		{"checking it again finds that pattern", sel(homeOnly, `~/re\*port\[1]\?\\.txt`), home + `/re*port[1]?\.txt`, false,
			sel(homeOnly), nil, Checked},
		{"checking a path with brackets includes it as it is", sel(homeOnly), "/srv/[x]", true,
			sel([]string{home, "/srv/[x]"}), nil, Checked},
	} {
		v := newView(c.s, "linux", home)
		r := v.tap(c.path, c.isDir, disk.list)
		if !sameSelection(r.sel, c.want) || !slices.Equal(r.blockedBy, c.blocked) {
			t.Errorf("%s:\n got %+v blocked by %q\nwant %+v blocked by %q", c.name, r.sel, r.blockedBy, c.want, c.blocked)
			continue
		}
		if got := v.with(r.sel).stateOf(c.path, c.isDir); got != c.after {
			t.Errorf("%s: after the tap the box shows %v, want %v", c.name, got, c.after)
		}
	}
}

// disk is what the tree has listed, for the tests of taps.
var disk = listing{
	home + "/Documents":     {"a.txt", "notes", "old"},
	home + "/Documents/old": {"2019", "2020"},
}

type listing map[string][]string

func (l listing) list(dir string) ([]string, bool) {
	names, ok := l[dir]
	var paths []string
	for _, n := range names {
		paths = append(paths, child(dir, n))
	}
	return paths, ok
}

func TestUncheckDropsWhatIsBelow(t *testing.T) {
	v := newView(sel([]string{home, home + "/Music/live"}, "~/Music/old"), "linux", home)
	if s := v.uncheck(home+"/Music", true); !sameSelection(s, sel(homeOnly, "~/Music")) {
		t.Errorf("uncheck = %+v", s)
	}
}

func TestRemovingTheBlockingPatternLetsACheckThrough(t *testing.T) {
	v := newView(sel(homeOnly), "linux", home)
	r := v.tap(home+"/.cache", true, disk.list)
	if r.blockedAt != home+"/.cache" {
		t.Errorf("blocked at %q", r.blockedAt)
	}
	w := v.with(v.without(r.blockedBy))
	r = w.check(home+"/.cache", true, disk.list)
	if len(r.blockedBy) > 0 || slices.Contains(r.sel.Defaults, "~/.cache") {
		t.Fatalf("still blocked: %+v", r)
	}
	if got := w.with(r.sel).stateOf(home+"/.cache", true); got != Checked {
		t.Errorf(".cache shows %v", got)
	}
}

func TestTapOnASystemThatIgnoresCase(t *testing.T) {
	h := "/C:/Users/Ana"
	v := newView(selection.Selection{Include: []string{h}}, "windows", h)
	s := v.tap("/C:/Users/Ana/Music", true, disk.list).sel
	if !slices.Equal(s.Exclude, []string{"~/Music"}) {
		t.Fatalf("Exclude = %q", s.Exclude)
	}
	s = v.with(s).tap("/c:/users/ana/MUSIC", true, disk.list).sel
	if len(s.Exclude) != 0 {
		t.Errorf("checking in another case left %q", s.Exclude)
	}
}

func TestTapWithWildcardsInHome(t *testing.T) {
	h := "/home/a*b"
	v := newView(selection.Selection{Include: []string{h}}, "linux", h)
	s := v.tap(h+"/x", true, disk.list).sel
	if !slices.Equal(s.Exclude, []string{"~/x"}) {
		t.Fatalf("Exclude = %q", s.Exclude)
	}
	w := v.with(s)
	if w.err != nil || w.stateOf(h+"/x", true) != Unchecked || w.stateOf("/home/aXb/x", true) != Unchecked ||
		w.stateOf(h+"/y", true) != Checked {
		t.Errorf("the pattern does not name exactly %s/x: %v", h, w.err)
	}
}

func TestPatternFor(t *testing.T) {
	for p, want := range map[string]string{
		home:                 "~",
		home + "/Music":      "~/Music",
		"/srv/a*b":           `/srv/a\*b`,
		`/srv/x\y`:           `/srv/x\\y`,
		"/home/anabel/Music": "/home/anabel/Music",
	} {
		if got := patternFor(p, home); got != want {
			t.Errorf("patternFor(%q) = %q, want %q", p, got, want)
		}
		if x, exact, ok := anchorOf(want, home); !ok || !exact || x != p {
			t.Errorf("anchorOf(%q) = %q %v %v, want %q", want, x, exact, ok, p)
		}
	}
}

func TestAddPattern(t *testing.T) {
	v := newView(sel(homeOnly, "node_modules"), "linux", home)
	for _, c := range []struct {
		p    string
		want string // the error's problem, "" for none
	}{
		{"  *.iso ", ""},
		{"[abc", `syntax error in "[abc": unclosed [, empty [], bad range, or \ at the end`},
		{"node_modules", errDuplicate.Error()},
		{"~/.cache", errDuplicate.Error()},
		{"   ", errEmpty.Error()},
	} {
		s, err := v.addPattern(c.p)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("addPattern(%q): %v", c.p, err)
		case c.want == "" && !slices.Contains(s.Exclude, "*.iso"):
			t.Errorf("addPattern(%q) gave %q", c.p, s.Exclude)
		case c.want != "" && (err == nil || patternProblem(c.p, err) != c.want):
			t.Errorf("addPattern(%q) = %v, want %q", c.p, err, c.want)
		case c.want != "" && !sameSelection(s, v.sel):
			t.Errorf("addPattern(%q) changed the selection", c.p)
		}
	}
}

func TestRestoreDefaults(t *testing.T) {
	v := newView(selection.Selection{Include: homeOnly, Exclude: []string{"*.iso"}}, "darwin", "/Users/ana")
	if v.defaultsRestored() {
		t.Fatal("no defaults counts as restored")
	}
	s := v.restoreDefaults()
	if !slices.Equal(s.Defaults, selection.DefaultExclusions("darwin", "/Users/ana")) || !slices.Equal(s.Exclude, []string{"*.iso"}) {
		t.Errorf("restored: %+v", s)
	}
	if !v.with(s).defaultsRestored() {
		t.Error("restored defaults do not count as restored")
	}
}

func TestAncestors(t *testing.T) {
	if got := ancestors("/a/b"); !slices.Equal(got, []string{"/", "/a", "/a/b"}) {
		t.Errorf("ancestors = %q", got)
	}
	if got := ancestors("/"); !slices.Equal(got, []string{"/"}) {
		t.Errorf("ancestors(/) = %q", got)
	}
}
