package settings

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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

// TestScreenshots draws the screen and its dialogs at 800×600 in both
// themes into $CAIRN_SHOTS, for people to look at; it checks nothing.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CAIRN_SHOTS")
	if dir == "" {
		t.Skip("set CAIRN_SHOTS to a folder to draw the screen")
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		h := newHarness(t)
		fyne.CurrentApp().Settings().SetTheme(variant{theme.DefaultTheme(), v})
		name := func(n string) string {
			if v == theme.VariantDark {
				return n + "-dark"
			}
			return n + "-light"
		}
		var scroll *container.Scroll
		uitest.Walk(h.s.Object(), func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok && scroll == nil {
				scroll = s
			}
		})
		capture(t, h, dir, name("settings-a")) // lays the screen out
		for i, y := 1, float32(450); y < scroll.Content.MinSize().Height-scroll.Size().Height+450; i, y = i+1, y+450 {
			scroll.Offset = fyne.NewPos(0, y)
			scroll.Refresh()
			capture(t, h, dir, name("settings-"+string(rune('a'+i))))
		}
		h.s.versions.ages[1].SetText("3")
		h.s.schedule.verify.SetText("25:00")
		h.s.throttle.window.SetChecked(true)
		h.s.throttle.from.SetText("25:00")
		h.save(t)
		// Each card with an error: the top of Backups, the bottom of the others.
		for i, c := range []*widget.Card{h.s.schedule.card, h.s.throttle.card, h.s.versions.card} {
			y := c.Position().Y
			if i > 0 {
				y = max(0, y+c.Size().Height-scroll.Size().Height)
			}
			scroll.Offset = fyne.NewPos(0, y)
			scroll.Refresh()
			capture(t, h, dir, name("settings-errors-"+string(rune('a'+i))))
		}
		h.s.load()
		scroll.Offset = fyne.NewPos(0, 0)
		scroll.Refresh()

		test.Tap(h.button(t, "Add a folder or drive…"))
		capture(t, h, dir, name("dialog-folder"))
		test.Tap(h.button(t, "Close"))
		test.Tap(h.button(t, "Add a server…"))
		capture(t, h, dir, name("dialog-server"))
		test.Tap(h.button(t, "Close"))
		test.Tap(h.button(t, "Change password…"))
		test.Type(h.entry(t, "New password"), "short")
		capture(t, h, dir, name("dialog-password"))
		test.Tap(h.button(t, "Cancel"))
		test.Tap(h.button(t, "Remove"))
		capture(t, h, dir, name("dialog-remove"))
		test.Tap(h.button(t, "Cancel"))
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
