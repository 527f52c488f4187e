package managefiles

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/cairnbackup/cairn/ui/uitest"
)

// variant is the app's default theme held to one variant, as the system's
// light or dark setting would choose it.
type variant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// TestScreenshots renders the screen at the smallest window size in the
// light and dark themes, with an unsaved change, to look at: set
// MANAGEFILES_SHOTS to a folder to keep the PNGs.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("MANAGEFILES_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, v := range map[string]fyne.ThemeVariant{"light": theme.VariantLight, "dark": theme.VariantDark} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, nil)
			h.with(func() { fyne.CurrentApp().Settings().SetTheme(variant{theme.DefaultTheme(), v}) })
			h.tapBox(h.a.ArchivePath("Music"))
			h.waitCounted()
			shoot(t, h, filepath.Join(dir, "managefiles-"+name+".png"))
			h.with(func() {
				test.Type(h.s.exclusions.entry, "[abc")
				test.Tap(h.s.exclusions.add)
			})
			shoot(t, h, filepath.Join(dir, "managefiles-"+name+"-problem.png"))
			h.tapBox(h.a.ArchivePath(".cache"))
			h.button("Remove the exclusion")
			shoot(t, h, filepath.Join(dir, "managefiles-"+name+"-dialog.png"))
		})
	}
}

// shoot saves what the window shows as a PNG.
func shoot(t *testing.T, h *harness, file string) {
	t.Helper()
	h.with(func() {
		// The test canvas lays out only when resized; a real window
		// does so whenever a size changes.
		h.w.Resize(uitest.Size.AddWidthHeight(1, 1))
		h.w.Resize(uitest.Size)
		img := h.w.Canvas().Capture()
		if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
			t.Errorf("the screen renders at %v", b)
		}
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	})
}
