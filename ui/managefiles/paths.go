package managefiles

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cairnbackup/cairn/engine/selection"
)

// The screen's paths are the selection's: absolute, clean, slash-separated,
// with a Windows drive as the first element ("/C:/Users/ana").

// within reports whether p is root or below it.
func within(p, root string) bool {
	if root == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == root || (strings.HasPrefix(p, root) && len(p) > len(root) && p[len(root)] == '/')
}

// below reports whether p is strictly below root.
func below(p, root string) bool { return p != root && within(p, root) }

// child returns the path of name inside the folder dir.
func child(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// ancestors returns p's folders from the top down, p included:
// "/a/b" gives "/", "/a", "/a/b".
func ancestors(p string) []string {
	out := []string{"/"}
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	if p != "/" {
		out = append(out, p)
	}
	return out
}

// patternFor returns the exclusion pattern that names exactly the file or
// folder p: "~/…" below home (patterns are stored with "~" so they survive
// a renamed account, as the defaults are), p itself elsewhere, with every
// special character escaped.
func patternFor(p, home string) string {
	if home != "" && home != "/" && within(p, home) {
		return "~" + selection.Escape(p[len(home):])
	}
	return selection.Escape(p)
}

// anchorOf reads an absolute pattern ("/…", "~", "~/…"): path is the folder
// or file its leading plain elements name, and exact says the whole pattern
// is plain, so that it names path and nothing else. ok is false for a
// pattern that matches names at any depth ("*.tmp", "node_modules").
func anchorOf(pattern, home string) (p string, exact, ok bool) {
	pat := strings.TrimRight(pattern, "/")
	if pat == "~" || strings.HasPrefix(pat, "~/") {
		if home == "" {
			return "", false, false
		}
		pat = selection.Escape(home) + pat[1:]
	}
	if !strings.HasPrefix(pat, "/") {
		return "", false, false
	}
	var names []string
	exact = true
	for _, e := range strings.Split(pat[1:], "/") {
		name, plain := selection.Literal(e)
		if !plain {
			exact = false
			break
		}
		if name != "" {
			names = append(names, name)
		}
	}
	return path.Clean("/" + strings.Join(names, "/")), exact, true
}

// foldCase maps s to a form in which letter case does not count, close to
// what NTFS and APFS do; bytes that are not UTF-8 are kept as they are.
func foldCase(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteByte(s[i])
		} else {
			b.WriteRune(unicode.ToLower(unicode.ToUpper(r)))
		}
		i += size
	}
	return b.String()
}
