package selection

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var (
	linuxOpts   = Options{Home: "/home/ana"}
	windowsOpts = Options{Home: "/C:/Users/ana", CaseInsensitive: true}
)

func TestExcluded(t *testing.T) {
	const file, dir = false, true
	tests := []struct {
		pattern string
		opts    Options
		path    string
		isDir   bool
		want    bool
	}{
		// A plain base name, anywhere, file or folder.
		{"node_modules", linuxOpts, "/home/ana/app/node_modules", dir, true},
		{"node_modules", linuxOpts, "/node_modules", file, true},
		{"node_modules", linuxOpts, "/home/ana/app/node_modules2", dir, false},
		{"_NoBackup", linuxOpts, "/home/ana/x/_NoBackup", file, true},
		{".DS_Store", linuxOpts, "/Users/ana/.DS_Store", file, true},
		// Extensions.
		{"*.tmp", linuxOpts, "/home/ana/Documents/a.tmp", file, true},
		{"*.tmp", linuxOpts, "/home/ana/Documents/.tmp", file, true},
		{"*.tmp", linuxOpts, "/home/ana/a.tmp/b", file, false},
		{"*.tmp", linuxOpts, "/home/ana/Documents/a.tmpx", file, false},
		{"*.tmp", linuxOpts, "/home/ana/Documents/tmp", file, false},
		{"*.temp", linuxOpts, "/home/ana/Documents/temperature.csv", file, false},
		{"*.tar.gz", linuxOpts, "/home/ana/x.tar.gz", file, true},
		{"*.tar.gz", linuxOpts, "/home/ana/x.gz", file, false},
		{"*~", linuxOpts, "/home/ana/notes.txt~", file, true},
		// Prefixes and globs within a name.
		{"~$*", linuxOpts, "/home/ana/~$report.docx", file, true},
		{"~$*", linuxOpts, "/home/ana/report.docx", file, false},
		{".Trash-???", linuxOpts, "/media/usb/.Trash-100", dir, true},
		{".Trash-???", linuxOpts, "/media/usb/.Trash-1000", dir, false},
		{"[Cc]ache", linuxOpts, "/x/Cache", dir, true},
		{"[^C]ache", linuxOpts, "/x/Cache", dir, false},
		{"*cache*", linuxOpts, "/x/mycache1", dir, true},
		// Whole paths.
		{"/proc", linuxOpts, "/proc", dir, true},
		{"/proc", linuxOpts, "/proc/cpuinfo", file, false}, // the walker never gets there
		{"/proc", linuxOpts, "/home/ana/proc", dir, false},
		{"/proc/**", linuxOpts, "/proc", dir, true},
		{"/home/*/Downloads", linuxOpts, "/home/bob/Downloads", dir, true},
		{"/home/*/Downloads", linuxOpts, "/home/bob/x/Downloads", dir, false},
		{"Library/Caches", linuxOpts, "/Users/ana/Library/Caches", dir, true},
		{"Library/Caches", linuxOpts, "/Users/ana/Library", dir, false},
		// "**" at the start, in the middle, at the end.
		{"**/node_modules", linuxOpts, "/a/b/node_modules", dir, true},
		{"**/.cache/**", linuxOpts, "/home/ana/.cache", dir, true},
		{"/home/ana/**/build", linuxOpts, "/home/ana/build", dir, true},
		{"/home/ana/**/build", linuxOpts, "/home/ana/a/b/c/build", dir, true},
		{"/home/ana/**/build", linuxOpts, "/home/bob/a/build", dir, false},
		{"/home/ana/**/build/*.o", linuxOpts, "/home/ana/a/build/x.o", file, true},
		{"/home/ana/**/build/*.o", linuxOpts, "/home/ana/a/build/x.c", file, false},
		{"/a/**/b/**/c", linuxOpts, "/a/x/b/y/b/z/c", dir, true},
		{"/a/**/b/**/c", linuxOpts, "/a/x/c/y/b", dir, false},
		{"**", linuxOpts, "/anything/at/all", file, true},
		// Folders only.
		{"cache/", linuxOpts, "/home/ana/cache", dir, true},
		{"cache/", linuxOpts, "/home/ana/cache", file, false},
		{"/home/ana/big/", linuxOpts, "/home/ana/big", file, false},
		{"/home/ana/big/", linuxOpts, "/home/ana/big", dir, true},
		{"~/.config/**/Cache/", linuxOpts, "/home/ana/.config/Code/Cache", dir, true},
		{"~/.config/**/Cache/", linuxOpts, "/home/ana/.config/Code/Cache", file, false},
		// "~/".
		{"~/.cache", linuxOpts, "/home/ana/.cache", dir, true},
		{"~/.cache", linuxOpts, "/home/bob/.cache", dir, false},
		{"~", linuxOpts, "/home/ana", dir, true},
		{"~/x", Options{Home: "/home/[ana]*"}, "/home/[ana]*/x", dir, true},
		{"~/x", Options{Home: "/home/[ana]*"}, "/home/a/x", dir, false},
		{"~/AppData/Local/Temp", windowsOpts, "/C:/Users/ana/AppData/Local/Temp", dir, true},
		{"~foo", linuxOpts, "/x/~foo", file, true}, // not the home folder: a name
		// Case.
		{"Thumbs.db", windowsOpts, "/C:/Users/ana/Pictures/THUMBS.DB", file, true},
		{"Thumbs.db", linuxOpts, "/home/ana/Pictures/THUMBS.DB", file, false},
		{"*.TMP", windowsOpts, "/C:/x/a.tmp", file, true},
		{"/c:/windows", windowsOpts, "/C:/Windows", dir, true},
		{"/*:/Windows", windowsOpts, "/D:/WINDOWS", dir, true},
		{"ÉTÉ", windowsOpts, "/C:/x/été", dir, true},
		{"Straße", windowsOpts, "/C:/x/STRASSE", dir, false}, // no full case folding
		// Odd names: spaces, escaped wildcards, invalid UTF-8.
		{"My Stuff", linuxOpts, "/home/ana/My Stuff", dir, true},
		{"/home/ana/Old Files/**", linuxOpts, "/home/ana/Old Files", dir, true},
		{`report\[1\].pdf`, linuxOpts, "/home/ana/report[1].pdf", file, true},
		{`report\[1\].pdf`, linuxOpts, "/home/ana/report1.pdf", file, false},
		{"report[1].pdf", linuxOpts, "/home/ana/report1.pdf", file, true},
		{"report[1].pdf", linuxOpts, "/home/ana/report[1].pdf", file, false},
		{`\*`, linuxOpts, "/home/ana/*", file, true},
		{`\*`, linuxOpts, "/home/ana/a", file, false},
		{`*\*`, linuxOpts, "/home/ana/a*", file, true},
		{"bad\xffname", linuxOpts, "/home/ana/bad\xffname", file, true},
		{"*.\xfe", linuxOpts, "/home/ana/a.\xfe", file, true},
		{"*.\xfe", windowsOpts, "/C:/A.\xfe", file, true},
		{"b?d", linuxOpts, "/home/ana/b\xffd", file, true},
		{"/home/\xff/*", linuxOpts, "/home/\xff/x", file, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %v", tt.pattern, tt.path, tt.isDir), func(t *testing.T) {
			m := mustCompile(t, []string{tt.pattern}, tt.opts)
			if got := m.Excluded(tt.path, tt.isDir); got != tt.want {
				t.Errorf("Excluded = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExcludedWithParents(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"/proc", "/proc/cpuinfo", true},
		{"/proc/**", "/proc/1/status", true},
		{"node_modules", "/home/ana/app/node_modules/left-pad/index.js", true},
		{"**/.cache/**", "/home/ana/.cache/a/b", true},
		{"cache/", "/home/ana/cache/x", true},
		{"cache/", "/home/ana/x/cache", false},
		{"~/.cache", "/home/ana/.cachet/x", false},
	}
	for _, tt := range tests {
		m := mustCompile(t, []string{tt.pattern}, linuxOpts)
		if got := excludedWithParents(m, tt.path, false); got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		pattern string
		opts    Options
		reason  string
	}{
		{"[abc", linuxOpts, "unclosed ["},
		{"/home/[ana/x", linuxOpts, "unclosed ["},
		{`abc\`, linuxOpts, `\ at the end`},
		{"[]", linuxOpts, "empty []"},
		{"", linuxOpts, "names no file"},
		{"/", linuxOpts, "names no file"},
		{"//", linuxOpts, "names no file"},
		{"../x", linuxOpts, `".."`},
		{"/a/./b", linuxOpts, `"."`},
		{"~/.cache", Options{}, "home folder"},
		{"~/.cache", Options{Home: "home/ana"}, "not an absolute"},
	}
	for _, tt := range tests {
		_, err := Compile([]string{"*.tmp", tt.pattern}, tt.opts)
		if err == nil {
			t.Errorf("Compile(%q) succeeded", tt.pattern)
			continue
		}
		if !errors.Is(err, ErrBadPattern) {
			t.Errorf("Compile(%q) = %v, not ErrBadPattern", tt.pattern, err)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.pattern)) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("Compile(%q) = %q, want the pattern and %q", tt.pattern, err, tt.reason)
		}
	}
}

func TestNilMatcherExcludesNothing(t *testing.T) {
	var m *Matcher
	if m.Excluded("/a", true) || m.Patterns() != nil {
		t.Error("nil Matcher excluded something")
	}
}

func TestPatternsAsGiven(t *testing.T) {
	in := []string{"~/.cache", "*.TMP"}
	m := mustCompile(t, in, windowsOpts)
	if got := m.Patterns(); strings.Join(got, "|") != "~/.cache|*.TMP" {
		t.Errorf("Patterns = %q", got)
	}
}

// TestFastPathsAgreeWithReference checks every fast path against the plain
// meaning of the patterns, on a grid of patterns and paths.
func TestFastPathsAgreeWithReference(t *testing.T) {
	patterns := []string{
		"*.tmp", "a", "a/", "*a", "a*", "[ab]", "b?", "/a", "/a/b", "/a/b/", "/a/**", "/*/b",
		"**/b/**", "a/b", "/a/**/b", "/**/a/*", "**", "**/", "/a/**/**/c", "*.b.c", "~/a", "~/*/b",
	}
	paths := []string{
		"/", "/a", "/b", "/a/b", "/a/a", "/b/a", "/a/b/c", "/x.tmp", "/a/x.tmp/b", "/ab/ba",
		"/home/ana/a", "/home/ana/x/b", "/x/a/b/a/b", "/a.b.c", "/bb/b", "/a/c/c",
	}
	opts := Options{Home: "/home/ana"}
	for _, p := range patterns {
		m := mustCompile(t, []string{p}, opts)
		for _, path := range paths {
			for _, isDir := range []bool{false, true} {
				want := refExcluded(t, []string{p}, opts, path, isDir)
				if got := excludedWithParents(m, path, isDir); got != want {
					t.Errorf("%q on %q (dir %v) = %v, reference %v", p, path, isDir, got, want)
				}
			}
		}
	}
}
