package firstrun

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// variant is the default theme in one variant, light or dark.
type variant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

func (h *harness) shoot(dir, name string) {
	h.t.Helper()
	for v, suffix := range map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"} {
		fyne.CurrentApp().Settings().SetTheme(variant{theme.DefaultTheme(), v})
		h.w.Content().Refresh()
		f, err := os.Create(filepath.Join(dir, name+"-"+suffix+".png"))
		if err != nil {
			h.t.Fatal(err)
		}
		if err := png.Encode(f, h.w.Canvas().Capture()); err != nil {
			h.t.Fatal(err)
		}
		f.Close()
	}
}

// TestScreenshots renders the pages at the smallest window size, to look
// at: CAIRN_SHOTS=/some/dir go test -run Screenshots ./ui/firstrun/
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CAIRN_SHOTS")
	if dir == "" {
		t.Skip("set CAIRN_SHOTS to a folder to render the pages")
	}
	h := newHarness(t)
	h.shoot(dir, "fr-1-welcome")
	h.tap("Get started")
	h.shoot(dir, "fr-2-choice")
	h.tap("New computer")
	h.shoot(dir, "fr-3-drive")
	h.choose("A Cairn server")
	h.shoot(dir, "fr-3-server")
	h.choose("An external drive or a folder")
	h.tap("Back")
	h.tap("Replace a computer")
	h.shoot(dir, "fr-4-replace")
}
