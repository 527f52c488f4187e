package destform

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// variant is the app's theme in one variant, for pictures of both.
type variant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// TestScreenshots draws the forms and their questions at 800×600 in both
// themes into $CAIRN_SHOTS, for people to look at; it checks nothing.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CAIRN_SHOTS")
	if dir == "" {
		t.Skip("set CAIRN_SHOTS to a folder to draw the forms")
	}
	url, fp := startServer(t)
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		h := newHarness(t)
		fyne.CurrentApp().Settings().SetTheme(variant{theme.DefaultTheme(), v})
		suffix := map[fyne.ThemeVariant]string{theme.VariantLight: "-light", theme.VariantDark: "-dark"}[v]

		f := h.serverForm(t, url)
		h.w.SetContent(widget.NewLabel("")) // the form goes in the dialog instead
		ShowDialog(h.w, "Sign in to a Cairn server", f)
		capture(t, h, dir, "form-server-key"+suffix)
		test.Tap(f.server.key.choice)
		capture(t, h, dir, "form-server-key-options"+suffix)
		h.w.Canvas().Overlays().Top().Hide() // the list of options
		f.server.key.choose(device.KeyPassword)
		test.Type(f.server.key.archive.pw, "archive")
		capture(t, h, dir, "form-server-key-password"+suffix)
		f.server.key.choose(device.KeyCustom)
		test.Tap(f.server.key.escrow)
		capture(t, h, dir, "form-server-key-custom"+suffix)
		test.Tap(f.server.key.escrow)
		f.server.key.choose(device.KeyAccount)
		test.Type(f.server.password, "wrong")
		f.server.fingerprint.SetText("00:11")
		f.Submit()
		h.q.Wait(t, "the sign-in to fail", func() bool { return !f.Busy() })
		capture(t, h, dir, "form-server-problem"+suffix)
		f.server.fingerprint.SetText("")
		f.Submit()
		h.q.Wait(t, "the fingerprint dialog", func() bool { return dialogButton(h.w, "Trust") != nil })
		capture(t, h, dir, "form-fingerprint"+suffix)
		test.Tap(dialogButton(h.w, "Cancel"))
		h.q.Wait(t, "the try to end", func() bool { return !f.Busy() })

		other := uitest.NewDevice(t)
		g := NewFolderForm(h.w, h.deps, h.onAdded)
		h.w.SetContent(g.Object())
		test.Type(g.folder.path, other.Drive)
		test.Type(g.folder.archive.pw, "whatever new password")
		test.Type(g.folder.archive.again, "whatever new password")
		g.Submit()
		h.q.Wait(t, "the password dialog", func() bool { return dialogButton(h.w, "Continue") != nil })
		capture(t, h, dir, "form-existing"+suffix)
		g.Cancel()
		h.q.Wait(t, "the try to end", func() bool { return !g.Busy() })

		h = newHarness(t)
		fyne.CurrentApp().Settings().SetTheme(variant{theme.DefaultTheme(), v})
		k := h.keyForm(t, url, fp, device.KeyCustom)
		k.server.computer.SetText("laptop-" + suffix[1:]) // a computer of its own on the server
		h.w.SetContent(widget.NewLabel(""))
		ShowDialog(h.w, "Sign in to a Cairn server", k)
		k.Submit()
		h.q.Wait(t, "the key", func() bool { return dialogButton(h.w, "I have kept it") != nil })
		capture(t, h, dir, "form-custom-key"+suffix)
		test.Tap(dialogButton(h.w, "Cancel"))
		h.q.Wait(t, "the try to end", func() bool { return !k.Busy() })
	}
}

func capture(t *testing.T, h *harness, dir, name string) {
	t.Helper()
	h.q.Run()
	h.w.Resize(uitest.Size.AddWidthHeight(1, 1)) // twice: wrapped text knows its height
	h.w.Resize(uitest.Size)                      // after one layout
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, h.w.Canvas().Capture())
}
