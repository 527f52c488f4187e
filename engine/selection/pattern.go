package selection

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrBadPattern is wrapped by the error Compile returns for a pattern it cannot
// use; the message names the pattern and says what is wrong with it.
var ErrBadPattern = errors.New("bad exclusion pattern")

// anyElems is the pattern element that matches any number of path elements.
const anyElems = "**"

// spec is a pattern taken apart: its elements, with ~ expanded, the pattern
// made absolute (a base-name pattern is "**/name"), and case folded when the
// matcher ignores case. It is the pattern's meaning, before any fast path.
type spec struct {
	text    string   // as the user wrote it, for error messages
	elems   []string // path.Match patterns, one per element, or anyElems
	dirOnly bool     // the pattern ended with "/"
}

// parse checks pattern and turns it into a spec.
func parse(pattern string, opts Options) (spec, error) {
	s := spec{text: pattern}
	p := strings.TrimRight(pattern, "/")
	s.dirOnly = p != pattern
	if p == "" {
		return s, s.errorf("it names no file or folder")
	}
	p, err := expandHome(p, opts.Home)
	if err != nil {
		return s, s.errorf("%v", err)
	}
	if opts.CaseInsensitive {
		p = fold(p)
	}
	if s.elems, err = splitPattern(p); err != nil {
		return s, s.errorf("%v", err)
	}
	return s, nil
}

func (s spec) errorf(format string, args ...any) error {
	return fmt.Errorf("%w %q: %s", ErrBadPattern, s.text, fmt.Sprintf(format, args...))
}

// expandHome replaces a leading "~" (alone or before "/") by home, with the
// glob characters in home escaped so that they stay literal.
func expandHome(p, home string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	if home == "" {
		return "", errors.New("~ stands for the home folder, which is not known here")
	}
	if !strings.HasPrefix(home, "/") {
		return "", fmt.Errorf("home folder %q is not an absolute slash-separated path", home)
	}
	return Escape(path.Clean(home)) + p[1:], nil
}

// Escape makes every character of a name plain for the pattern language
// (a backslash before each one path.Match treats as special).
func Escape(s string) string {
	if !strings.ContainsAny(s, `*?[\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// splitPattern cuts p (trailing slashes already gone) into checked elements. A
// pattern without a slash is a base name, matched at any depth; one with a slash
// but not at the start is also matched at any depth, below any folder.
func splitPattern(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") { // "**/" twice is collapsed by normalize
		p = anyElems + "/" + p
	}
	for _, e := range strings.Split(p, "/") {
		if e == "." || e == ".." {
			return nil, errors.New(`"." and ".." have no meaning in a pattern`)
		}
	}
	p = strings.TrimPrefix(path.Clean(p), "/") // only removes doubled slashes now
	if p == "" {
		return nil, errors.New("it names no file or folder")
	}
	elems := strings.Split(p, "/")
	for _, e := range elems {
		if _, err := path.Match(e, ""); err != nil {
			return nil, fmt.Errorf("syntax error in %q: unclosed [, empty [], bad range, or \\ at the end", e)
		}
	}
	return elems, nil
}

// normalize collapses runs of "**" and drops trailing ones: a pattern that
// matches a folder already covers everything below it, so "/proc/**" is "/proc".
func normalize(elems []string) []string {
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if e == anyElems && len(out) > 0 && out[len(out)-1] == anyElems {
			continue
		}
		out = append(out, e)
	}
	for len(out) > 1 && out[len(out)-1] == anyElems {
		out = out[:len(out)-1]
	}
	return out
}

// Literal returns the name elem matches when it has no unescaped wildcard, with
// the escaping backslashes removed. elem must be a valid path.Match pattern.
func Literal(elem string) (string, bool) {
	if !strings.ContainsAny(elem, `*?[\`) {
		return elem, true
	}
	var b strings.Builder
	for i := 0; i < len(elem); i++ {
		switch c := elem[i]; c {
		case '*', '?', '[':
			return "", false
		case '\\':
			if i+1 == len(elem) {
				return "", false
			}
			i++
			b.WriteByte(elem[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
