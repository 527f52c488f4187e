package selection

import (
	"errors"
	"path"
	"strings"
	"testing"
)

// FuzzExcluded compiles one pattern and asks about one path: Compile either
// fails with ErrBadPattern or gives a Matcher that never panics and agrees with
// the reference meaning of the pattern (refExcluded), fast paths and all.
func FuzzExcluded(f *testing.F) {
	seeds := []string{
		"*.tmp", "node_modules", "~$*", "cache/", "/proc", "/home/*/x", "**/a/**", "/a/**/b/*.c",
		"~/.cache", `report\[1\].pdf`, "[a-c]?", "[^x]*", "*.tar.gz", "*~", "/*:/Windows", "[", `\`, "",
		"a/b/", "**", "/**/", "\xff*", "ÉTÉ",
	}
	for _, s := range seeds {
		f.Add(s, "/home/ana/a/b.tmp", false, false)
		f.Add(s, "/C:/Users/Ana/ÉTÉ/x", true, true)
	}
	f.Fuzz(func(t *testing.T, pattern, p string, isDir, caseInsensitive bool) {
		opts := Options{Home: "/home/ana", CaseInsensitive: caseInsensitive}
		m, err := Compile([]string{pattern}, opts)
		if err != nil {
			if !errors.Is(err, ErrBadPattern) {
				t.Fatalf("Compile(%q) = %v, not ErrBadPattern", pattern, err)
			}
			return
		}
		p = path.Clean("/" + p)
		got := excludedWithParents(m, p, isDir)
		if strings.Count(pattern, anyElems) > 6 || strings.Count(p, "/") > 24 {
			return // the reference backtracks without bound
		}
		if want := refExcluded(t, []string{pattern}, opts, p, isDir); got != want {
			t.Fatalf("%q on %q (dir %v, ci %v) = %v, reference %v", pattern, p, isDir, caseInsensitive, got, want)
		}
		s := Selection{Include: []string{"/"}}
		if !isDir && s.Contains(p, m) == got {
			t.Fatalf("Contains(%q) disagrees with Excluded", p)
		}
	})
}
