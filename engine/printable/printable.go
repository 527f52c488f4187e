package printable

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lengths in runes, ellipsis included. A name is a line in a table; a
// message is one error or notice, long enough for a server's sentence and
// its context, short enough that a hostile answer cannot fill a screen.
const (
	MaxName    = 200
	MaxMessage = 1000
)

// ellipsis ends text that was cut.
const ellipsis = "…"

// zwj (zero width joiner) is the one format character kept: it joins emoji
// sequences (a family, a profession) and reorders nothing.
const zwj = '\u200d'

// String returns s as one line of printable text of at most max runes (no
// limit when max <= 0). Newlines and tabs are escaped too: a name or a
// server's sentence has no business starting a new line of output.
func String(s string, max int) string { return clean(s, max, false) }

// Lines is String for text of several lines that Cairn composed itself
// (an error joined from several, a hint on its own line): newlines and tabs
// stay, everything else is made printable as by String.
func Lines(s string, max int) string { return clean(s, max, true) }

// Name is String with the length of a name: a device, an OS, a user.
func Name(s string) string { return String(s, MaxName) }

// Message is String with the length of a message: an error text.
func Message(s string) string { return String(s, MaxMessage) }

// Error returns err with a printable text of at most MaxMessage runes;
// errors.Is and errors.As still see err and what it wraps. Nil stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	return &printableError{err}
}

type printableError struct{ err error }

func (e *printableError) Error() string { return Message(e.err.Error()) }
func (e *printableError) Unwrap() error { return e.err }

// clean builds the printable form of s, piece by piece: a rune that is
// fine as it is, or the escape that shows it. Output is cut before a piece
// that would leave no room for the ellipsis, so an escape is never cut in
// half and the result never exceeds max runes.
func clean(s string, max int, keepLines bool) string {
	if ok(s, max, keepLines) {
		return s
	}
	var b strings.Builder
	n, cut := 0, -1 // runes written; where to cut if the rest does not fit
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		piece := escape(r, s[i:i+size], keepLines)
		i += size
		if max > 0 && cut < 0 && n+utf8.RuneCountInString(piece) > max-1 {
			cut = b.Len()
		}
		n += utf8.RuneCountInString(piece)
		if max > 0 && n > max {
			return b.String()[:cut] + ellipsis
		}
		b.WriteString(piece)
	}
	return b.String()
}

// ok says s needs no change: it is printable and short enough. It spares
// the common case (plain text) an allocation.
func ok(s string, max int, keepLines bool) bool {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !shown(r, keepLines) {
			return false
		}
		i += size
		n++
	}
	return max <= 0 || n <= max
}

// escape returns the piece that shows raw (the rune r, encoded in raw):
// raw itself when it can be shown, else an escape in Go's notation.
func escape(r rune, raw string, keepLines bool) string {
	switch {
	case r == utf8.RuneError && len(raw) == 1:
		return fmt.Sprintf(`\x%02x`, raw[0]) // not UTF-8
	case shown(r, keepLines):
		return raw
	case r == '\n':
		return `\n`
	case r == '\r':
		return `\r`
	case r == '\t':
		return `\t`
	case r < 0x80:
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// shown says a rune may be shown as it is.
func shown(r rune, keepLines bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return keepLines
	case unicode.IsControl(r): // C0, DEL, C1
		return false
	case r == zwj:
		return true
	case unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
		// Bidi overrides and isolates, invisible spaces, BOMs; the line
		// and paragraph separators some terminals and widgets break on.
		return false
	}
	return true
}
