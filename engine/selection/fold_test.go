package selection

import (
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"/home/ana", "/home/ana"},
		{"/C:/Users/Ana", "/c:/users/ana"},
		{"ÉTÉ", "été"},
		{"ſ", "s"},           // long s
		{"\u212a", "k"},      // Kelvin sign
		{"A\xffB", "a\xffb"}, // invalid bytes kept
		{"\xe2\x82", "\xe2\x82"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldIsIdempotent(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		once := foldRune(r)
		if foldRune(once) != once {
			t.Errorf("fold(%U) = %U, folds again to %U", r, once, foldRune(once))
		}
	}
}

func TestFoldDoesNotAllocateWhenFolded(t *testing.T) {
	p := "/home/ana/documents/report.odt"
	if n := testing.AllocsPerRun(100, func() { fold(p) }); n != 0 {
		t.Errorf("fold allocated %v times", n)
	}
}
