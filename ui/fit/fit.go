package fit

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Columns lays its objects side by side, each as wide as want says it
// needs as far as the width allows: a column that needs little gets it,
// and what is left goes to those that need more, shared evenly (max-min
// fair). Equal columns (a grid) would cut a long choice ("Byt namn på den
// och återstä…") beside a short one with room to spare.
type Columns struct {
	// Want says, for each object, the width it needs to show whole.
	Want []func() float32
}

func (f Columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
	}
	return s.AddWidthHeight(theme.Padding()*float32(max(len(objs)-1, 0)), 0)
}

func (f Columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := theme.Padding()
	wants := make([]float32, len(objs))
	for i, o := range objs {
		wants[i] = max(f.Want[i](), o.MinSize().Width)
	}
	x := float32(0)
	for i, w := range shareWidth(wants, size.Width-gap*float32(max(len(objs)-1, 0))) {
		objs[i].Move(fyne.NewPos(x, 0))
		objs[i].Resize(fyne.NewSize(w, size.Height))
		x += w + gap
	}
}

// shareWidth shares width among columns wanting wants: the smallest wants
// are met first, each column getting at most an even share of what is left;
// width left over when all are met is shared evenly.
func shareWidth(wants []float32, width float32) []float32 {
	out := make([]float32, len(wants))
	done := make([]bool, len(wants))
	left := max(width, 0)
	for n := len(wants); n > 0; n-- {
		smallest := -1
		for i, w := range wants {
			if !done[i] && (smallest < 0 || w < wants[smallest]) {
				smallest = i
			}
		}
		out[smallest] = min(wants[smallest], left/float32(n))
		done[smallest] = true
		left -= out[smallest]
	}
	for i := range out {
		out[i] += left / float32(len(out))
	}
	return out
}

// SelectWant is the width a Select needs to show its chosen text whole
// (the list that drops down shows every choice whole anyway): the text, and
// the padding and drop icon around it (as Fyne's select lays them out).
// Laid out again when the choice changes.
func SelectWant(s *widget.Select) float32 {
	text := s.Selected
	if text == "" {
		text = s.PlaceHolder
	}
	return fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width +
		theme.IconInlineSize() + 3*theme.InnerPadding() + 2*theme.Padding()
}

// PathLabel shows a path, shortened from its start to the width it is
// given ("…/ana/Documents/Thesis"), so that the folder's own name stays.
type PathLabel struct {
	widget.Label
	full string
}

// NewPathLabel returns a label showing p.
func NewPathLabel(p string) *PathLabel {
	l := &PathLabel{full: p}
	l.Text = p
	l.Truncation = fyne.TextTruncateEllipsis // small MinSize; the end is what fit keeps
	l.ExtendBaseWidget(l)
	return l
}

// Path is the whole path shown, however much of it fits.
func (l *PathLabel) Path() string { return l.full }

// SetPath shows p.
func (l *PathLabel) SetPath(p string) {
	l.full = p
	l.fit(l.Size().Width)
}

// Resize fits the path to the new width.
func (l *PathLabel) Resize(s fyne.Size) {
	l.Label.Resize(s)
	l.fit(s.Width)
}

func (l *PathLabel) fit(width float32) {
	text := l.full
	if width > 0 {
		style := l.TextStyle
		measure := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), style).Width }
		text = ShortenPath(l.full, width-2*theme.InnerPadding(), measure)
	}
	if text != l.Text {
		l.SetText(text)
	}
}

// ShortenPath is p as it fits in width: whole, or "…" and as much of its
// end as fits, cut at a separator when one falls in what fits.
func ShortenPath(p string, width float32, measure func(string) float32) string {
	if measure(p) <= width {
		return p
	}
	runes := []rune(p)
	for i := 1; i < len(runes); i++ {
		tail := string(runes[i:])
		if measure("…"+tail) > width {
			continue
		}
		if j := strings.IndexAny(tail, `/\`); j > 0 && measure("…"+tail[j:]) <= width {
			return "…" + tail[j:]
		}
		return "…" + tail
	}
	return "…"
}
