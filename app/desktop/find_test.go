//go:build gui

package desktop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// These helpers drive the real app's window as a person would: find a
// button by its text and tap it, type into a form's field, wait until
// something shows, and photograph the window.

// walk calls fn for o and everything inside it (containers' objects,
// widgets' rendered objects), depth first, until fn returns false.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return true
	}
	if !fn(o) {
		return false
	}
	for _, k := range children(o) {
		if !walk(k, fn) {
			return false
		}
	}
	return true
}

// children are the objects directly inside o.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch x := o.(type) {
	case *fyne.Container:
		return x.Objects
	case fyne.Widget:
		if r := test.WidgetRenderer(x); r != nil {
			return r.Objects()
		}
	}
	return nil
}

// roots are what the window shows: its content and any dialogs over it.
func roots(w fyne.Window) []fyne.CanvasObject {
	c := w.Canvas()
	out := []fyne.CanvasObject{c.Content()}
	if top := c.Overlays().Top(); top != nil {
		out = []fyne.CanvasObject{top} // a dialog is modal: only it takes taps
	}
	return out
}

// find returns the first object in the window that ok accepts.
func find[T fyne.CanvasObject](w fyne.Window, ok func(T) bool) (found T, got bool) {
	fyne.DoAndWait(func() {
		for _, r := range roots(w) {
			walk(r, func(o fyne.CanvasObject) bool {
				if x, is := o.(T); is && ok(x) {
					found, got = x, true
					return false
				}
				return true
			})
			if got {
				return
			}
		}
	})
	return found, got
}

// waitFor polls until the window shows what ok accepts, with a generous
// deadline for a busy machine.
func waitFor[T fyne.CanvasObject](t *testing.T, w fyne.Window, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if x, got := find(w, ok); got {
			return x
		}
		if time.Now().After(deadline) {
			if img, err := grabScreen(image.Rect(0, 0, 2000, 2000)); err == nil {
				var buf bytes.Buffer
				png.Encode(&buf, img)
				p := filepath.Join(os.TempDir(), "cairn-tour-failed.png")
				os.WriteFile(p, buf.Bytes(), 0o644)
				t.Logf("the screen is in %s", p)
			}
			t.Fatalf("the window never showed %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The helpers take the English text, as the code writes it, and look for
// it in the language the tour runs in (lang.L of a text no bundle has is
// the text itself: file names pass through).

func button(text string) func(*widget.Button) bool {
	text = lang.L(text)
	return func(b *widget.Button) bool { return b.Text == text && !b.Disabled() }
}

// shows matches a label or any drawn text that reads text.
func shows(text string) func(fyne.CanvasObject) bool { return showsExactly(lang.L(text)) }

// showsExactly matches data as it is (a name typed in, a file name): not
// translated.
func showsExactly(text string) func(fyne.CanvasObject) bool {
	return func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			return x.Text == text
		case *canvas.Text:
			return x.Text == text
		}
		return false
	}
}

// tap taps the enabled button showing text.
func tap(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	b := waitFor(t, w, "a button "+text, button(text))
	fyne.DoAndWait(func() { test.Tap(b) })
}

// fill types into the entry of a form's field named label.
func fill(t *testing.T, w fyne.Window, fieldLabel, text string) {
	t.Helper()
	var entry *widget.Entry
	fieldLabel = lang.L(fieldLabel)
	waitFor(t, w, "a form with "+fieldLabel, func(f *widget.Form) bool {
		for _, it := range f.Items {
			if it.Text != fieldLabel {
				continue
			}
			walk(it.Widget, func(o fyne.CanvasObject) bool {
				if e, ok := o.(*widget.Entry); ok {
					entry = e
					return false
				}
				return true
			})
		}
		return entry != nil
	})
	fyne.DoAndWait(func() { entry.SetText(text) })
}

// shot photographs the window once it has settled (two grabs alike) and
// writes name.png into dir. It grabs the X screen (xwd) rather than asking
// the GL painter, whose front buffer Mesa under Xvfb does not keep: the
// picture is what the X server shows. The window sits at the top left
// (no window manager).
func shot(t *testing.T, w fyne.Window, dir, name string) {
	t.Helper()
	var last []byte
	deadline := time.Now().Add(20 * time.Second)
	for {
		time.Sleep(300 * time.Millisecond)
		var size fyne.Size
		var scale float32
		fyne.DoAndWait(func() { size, scale = w.Canvas().Size(), w.Canvas().Scale() })
		img, err := grabScreen(image.Rect(0, 0, int(size.Width*scale), int(size.Height*scale)))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(buf.Bytes(), last) && !blank(img) {
			if err := os.WriteFile(filepath.Join(dir, name+".png"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			os.WriteFile(filepath.Join(dir, name+"-unsettled.png"), buf.Bytes(), 0o644)
			t.Fatalf("%s: the window never settled into a picture (blank: %v)", name, blank(img))
		}
		last = buf.Bytes()
	}
}

// grabScreen reads the X screen with xwd and returns the part in r.
func grabScreen(r image.Rectangle) (image.Image, error) {
	out, err := exec.Command("xwd", "-root", "-silent").Output()
	if err != nil {
		return nil, fmt.Errorf("xwd (package x11-apps): %w", err)
	}
	img, err := decodeXWD(out)
	if err != nil {
		return nil, err
	}
	return img.SubImage(r.Intersect(img.Bounds())), nil
}

// decodeXWD reads the 24-bit TrueColor ZPixmap dumps xwd makes of an Xvfb
// screen (X11's XWDFileHeader, then the window name, the colour map and
// the pixels).
func decodeXWD(b []byte) (*image.RGBA, error) {
	if len(b) < 100 {
		return nil, errors.New("xwd: short file")
	}
	h := make([]uint32, 25)
	for i := range h {
		h[i] = binary.BigEndian.Uint32(b[i*4:])
	}
	headerSize, format, width, height := h[0], h[2], int(h[4]), int(h[5])
	byteOrder, bpp, bytesPerLine, ncolors := h[7], h[11], int(h[12]), h[19]
	if format != 2 || (bpp != 32 && bpp != 24) || width <= 0 || height <= 0 {
		return nil, fmt.Errorf("xwd: format %d with %d bits per pixel is not the true-colour ZPixmap expected", format, bpp)
	}
	n := int(bpp / 8)
	start := int(headerSize) + int(ncolors)*12
	if start+height*bytesPerLine > len(b) {
		return nil, errors.New("xwd: truncated pixels")
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := 0; y < height; y++ {
		row := b[start+y*bytesPerLine:]
		for x := 0; x < width; x++ {
			p := row[x*n : x*n+n]
			if byteOrder == 0 { // LSB first: B, G, R(, unused)
				img.Pix[y*img.Stride+x*4+0], img.Pix[y*img.Stride+x*4+1], img.Pix[y*img.Stride+x*4+2] = p[2], p[1], p[0]
			} else { // (unused,) R, G, B
				img.Pix[y*img.Stride+x*4+0], img.Pix[y*img.Stride+x*4+1], img.Pix[y*img.Stride+x*4+2] = p[n-3], p[n-2], p[n-1]
			}
			img.Pix[y*img.Stride+x*4+3] = 0xff
		}
	}
	return img, nil
}

// blank reports an image of one colour (nothing painted yet).
func blank(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				return false
			}
		}
	}
	return true
}
