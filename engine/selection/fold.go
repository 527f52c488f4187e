package selection

import (
	"unicode"
	"unicode/utf8"
)

// fold maps s to the form used for case-insensitive comparison. ASCII letters
// are lowered byte by byte; other valid runes go through upper then lower case,
// so that letters with several case forms (ſ, K, ß's capital) land on one form,
// close to what NTFS and APFS do. Bytes that are not valid UTF-8 are kept as
// they are: names are arbitrary bytes, and two different names must not be
// merged into one replacement character.
//
// fold returns s itself, without allocating, when nothing changes.
func fold(s string) string {
	i := firstToFold(s)
	if i == len(s) {
		return s
	}
	var stack [256]byte // most paths fit: one allocation, for the result
	b := append(stack[:0], s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, c)
		} else {
			b = utf8.AppendRune(b, foldRune(r))
		}
		i += size
	}
	return string(b)
}

// firstToFold returns the index of the first byte that fold may change, or
// len(s) when s is already folded (plain lower-case ASCII, the common case).
func firstToFold(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return i
		}
	}
	return len(s)
}

func foldRune(r rune) rune {
	return unicode.ToLower(unicode.ToUpper(r))
}
