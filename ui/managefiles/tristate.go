package managefiles

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// triState is a check box with three states (checked, unchecked, partly
// checked), an icon and a label, all tappable. It does not change its own
// state: a tap calls OnTapped, and whoever owns the state sets it, since
// what a tap leads to depends on more than the box (see view.tap).
// widget.Check's Partial turns itself into Checked on a tap, which is why
// this is not a widget.Check.
type triState struct {
	widget.BaseWidget
	State    State
	Icon     fyne.Resource // shown between the box and the text; may be nil
	Text     string
	OnTapped func()

	id               string // the path it stands for in the tree
	hovered, focused bool
}

func newTriState() *triState {
	t := &triState{}
	t.ExtendBaseWidget(t)
	return t
}

// Description is the box in words, for assistive technologies and tests:
// "Documents: backed up".
func (t *triState) Description() string {
	return lang.L("{{.Name}}: {{.State}}", map[string]any{"Name": t.Text, "State": stateWords(t.State)})
}

func stateWords(s State) string {
	switch s {
	case Checked:
		return lang.L("backed up")
	case Partial:
		return lang.L("partly backed up")
	}
	return lang.L("not backed up")
}

// Tapped calls OnTapped.
func (t *triState) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil && !fyne.CurrentDevice().IsMobile() {
		c.Focus(t)
	}
	if t.OnTapped != nil {
		t.OnTapped()
	}
}

// TypedRune taps the box on a space, as a check box does.
func (t *triState) TypedRune(r rune) {
	if r == ' ' && t.OnTapped != nil {
		t.OnTapped()
	}
}

func (t *triState) TypedKey(*fyne.KeyEvent) {}
func (t *triState) FocusGained()            { t.focused = true; t.Refresh() }
func (t *triState) FocusLost()              { t.focused = false; t.Refresh() }
func (t *triState) MouseIn(*desktop.MouseEvent) {
	t.hovered = true
	t.Refresh()
}
func (t *triState) MouseMoved(*desktop.MouseEvent) {}
func (t *triState) MouseOut()                      { t.hovered = false; t.Refresh() }

func (t *triState) CreateRenderer() fyne.WidgetRenderer {
	r := &triStateRenderer{t: t, focus: canvas.NewCircle(color.Transparent), bg: canvas.NewImageFromResource(nil),
		box: canvas.NewImageFromResource(nil), icon: canvas.NewImageFromResource(nil), text: canvas.NewText("", color.Black)}
	r.Refresh()
	return r
}

type triStateRenderer struct {
	t             *triState
	focus         *canvas.Circle
	bg, box, icon *canvas.Image
	text          *canvas.Text
}

func (r *triStateRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.focus, r.bg, r.box, r.icon, r.text}
}

func (r *triStateRenderer) Destroy() {}

func (r *triStateRenderer) sizes() (pad, inline float32) {
	th := r.t.Theme()
	return th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNameInlineIcon)
}

func (r *triStateRenderer) MinSize() fyne.Size {
	pad, inline := r.sizes()
	w := inline + 2*pad + r.text.MinSize().Width + pad
	if r.t.Icon != nil {
		w += inline + pad/2
	}
	return fyne.NewSize(w, max(inline+pad, r.text.MinSize().Height)+pad)
}

func (r *triStateRenderer) Layout(size fyne.Size) {
	pad, inline := r.sizes()
	ring := fyne.NewSquareSize(inline + pad)
	r.focus.Resize(ring)
	r.focus.Move(fyne.NewPos(0, (size.Height-ring.Height)/2))
	iconPos := fyne.NewPos(pad/2, (size.Height-inline)/2)
	for _, img := range []*canvas.Image{r.bg, r.box} {
		img.Move(iconPos)
		img.Resize(fyne.NewSquareSize(inline))
	}
	x := ring.Width + pad/2
	if r.t.Icon != nil {
		r.icon.Move(fyne.NewPos(x, iconPos.Y))
		r.icon.Resize(fyne.NewSquareSize(inline))
		x += inline + pad/2
	}
	r.text.Move(fyne.NewPos(x, (size.Height-r.text.MinSize().Height)/2))
	r.text.Resize(fyne.NewSize(size.Width-x, r.text.MinSize().Height))
}

func (r *triStateRenderer) Refresh() {
	th := r.t.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.box.Resource, r.bg.Resource = boxIcons(th, r.t.State)
	r.icon.Resource = r.t.Icon
	r.icon.Hidden = r.t.Icon == nil
	r.text.Text = r.t.Text
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.focus.FillColor = color.Transparent
	if r.t.focused {
		r.focus.FillColor = th.Color(theme.ColorNameFocus, v)
	} else if r.t.hovered {
		r.focus.FillColor = th.Color(theme.ColorNameHover, v)
	}
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

// boxIcons are the box and its background for a state, in the theme's
// colours, as widget.Check draws them.
func boxIcons(th fyne.Theme, s State) (box, bg fyne.Resource) {
	name, colour, bgColour := theme.IconNameCheckButton, theme.ColorNameInputBorder, theme.ColorNameInputBackground
	switch s {
	case Checked:
		name, colour, bgColour = theme.IconNameCheckButtonChecked, theme.ColorNamePrimary, theme.ColorNameBackground
	case Partial:
		name, colour, bgColour = theme.IconNameCheckButtonPartial, theme.ColorNamePrimary, theme.ColorNameBackground
	}
	b := theme.NewThemedResource(th.Icon(name))
	b.ColorName = colour
	f := theme.NewThemedResource(th.Icon(theme.IconNameCheckButtonFill))
	f.ColorName = bgColour
	return b, f
}
