package fit

import (
	"slices"
	"testing"
)

// A path too long for its place keeps its end, cut at a folder when one
// falls in what fits.
func TestShortenPath(t *testing.T) {
	measure := func(s string) float32 { return float32(len([]rune(s))) }
	for _, c := range []struct {
		path  string
		width float32
		want  string
	}{
		{"/home/ana/Documents", 30, "/home/ana/Documents"},
		{"/home/ana/Documents", 19, "/home/ana/Documents"},
		{"/home/ana/Documents", 18, "…/ana/Documents"},
		{"/home/ana/Documents", 14, "…/Documents"},
		{"/home/ana/Documents", 10, "…Documents"},
		{"/home/ana/Documents", 9, "…ocuments"},
		{`C:\Users\ana\Documents`, 16, `…\ana\Documents`},
		{"/home/ana/Documents", 0, "…"},
	} {
		if got := ShortenPath(c.path, c.width, measure); got != c.want {
			t.Errorf("%s in %.0f: %q, want %q", c.path, c.width, got, c.want)
		}
	}
}

// Columns needing little get it; the rest share what is left.
func TestShareWidth(t *testing.T) {
	for _, c := range []struct {
		wants []float32
		width float32
		want  []float32
	}{
		{[]float32{100, 300, 100}, 650, []float32{150, 350, 150}}, // all fit: the rest shared evenly
		{[]float32{100, 300, 100}, 450, []float32{100, 250, 100}}, // the long one gets what is left
		{[]float32{100, 300, 400}, 450, []float32{100, 175, 175}}, // two long ones share it
		{[]float32{300, 300, 300}, 300, []float32{100, 100, 100}}, // a grid
	} {
		if got := shareWidth(c.wants, c.width); !slices.Equal(got, c.want) {
			t.Errorf("%v in %.0f: %v, want %v", c.wants, c.width, got, c.want)
		}
	}
}
