package printable

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain text is kept", "Ana's laptop", MaxName, "Ana's laptop"},
		{"accents, scripts and emoji are kept", "naïve café 東京 مرحبا 👩‍💻", MaxName, "naïve café 東京 مرحبا 👩‍💻"},
		{"a window title escape is shown, not run", "a\x1b]0;pwned\x07b", MaxName, `a\x1b]0;pwned\x07b`},
		{"clear screen", "\x1b[2Jx", MaxName, `\x1b[2Jx`},
		{"DEL", "a\x7fb", MaxName, `a\x7fb`},
		{"newline, return and tab are escaped", "a\nb\rc\td", MaxName, `a\nb\rc\td`},
		{"NUL", "a\x00b", MaxName, `a\x00b`},
		{"C1 control (CSI)", "a\u009b2Jb", MaxName, `a\u009b2Jb`},
		{"right-to-left override", "photo\u202egpj.exe", MaxName, `photo\u202egpj.exe`},
		{"bidi isolates", "\u2066x\u2069", MaxName, `\u2066x\u2069`},
		{"zero width space and BOM", "a\u200bb\ufeff", MaxName, `a\u200bb\ufeff`},
		{"line separator", "a\u2028b", MaxName, `a\u2028b`},
		{"invalid UTF-8 is shown as bytes", "a\xff\xfeb\xc3(", MaxName, `a\xff\xfeb\xc3(`},
		{"a real replacement character stays", "a\ufffdb", MaxName, "a\ufffdb"},
		{"long text is cut with an ellipsis", strings.Repeat("x", 300), 10, "xxxxxxxxx…"},
		{"exactly max is not cut", "xxxxxxxxxx", 10, "xxxxxxxxxx"},
		{"an escape is never cut in half", "xxxxxx\x1b[2J", 10, "xxxxxx…"},
		{"no limit", strings.Repeat("é", 3000), 0, strings.Repeat("é", 3000)},
		{"empty", "", MaxName, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in, tc.max)
			if got != tc.want {
				t.Fatalf("String(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if again := String(got, tc.max); again != got {
				t.Fatalf("not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestLinesKeepsNewlinesAndTabsOnly(t *testing.T) {
	in := "first line\n\tsecond\x1b[2J\r\u202e"
	want := "first line\n\tsecond\\x1b[2J\\r\\u202e"
	if got := Lines(in, MaxMessage); got != want {
		t.Fatalf("Lines(%q) = %q, want %q", in, got, want)
	}
}

func TestErrorKeepsTheChain(t *testing.T) {
	inner := fmt.Errorf("the server says \x1b]0;pwned\x07: %w", fs.ErrPermission)
	err := fmt.Errorf("sign in: %w", Error(inner))
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("errors.Is lost the wrapped error: %v", err)
	}
	if want := `sign in: the server says \x1b]0;pwned\x07: permission denied`; err.Error() != want {
		t.Fatalf("got %q, want %q", err.Error(), want)
	}
	if Error(nil) != nil {
		t.Fatal("Error(nil) is not nil")
	}
}

// FuzzPrintable: whatever the input, the output is printable, within the
// length, and printing it again changes nothing.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "laptop", "a\x1b]0;pwned\x07", "\u202eabc", "\xff\xfe", "👩‍💻", "a\nb\tc",
		strings.Repeat("\x1b", 50)} {
		f.Add(s, uint8(10))
	}
	f.Fuzz(func(t *testing.T, s string, m uint8) {
		max := int(m)
		for _, keep := range []bool{false, true} {
			out := clean(s, max, keep)
			checkPrintable(t, out, keep)
			if n := utf8.RuneCountInString(out); max > 0 && n > max {
				t.Fatalf("%q: %d runes, more than %d", out, n, max)
			}
			if again := clean(out, max, keep); again != out {
				t.Fatalf("not idempotent: %q then %q", out, again)
			}
			if ok(s, max, keep) && out != s {
				t.Fatalf("printable %q was changed to %q", s, out)
			}
		}
	})
}

func checkPrintable(t *testing.T, s string, keepLines bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%q is not valid UTF-8", s)
	}
	for _, r := range s {
		if (r == '\n' || r == '\t') && keepLines {
			continue
		}
		if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
			r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0x200b {
			t.Fatalf("%q holds %U", s, r)
		}
	}
}
