package getfiles

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/cairnbackup/cairn/ui/uitest"
)

// shot writes what the window shows to name.png, in the folder named by
// $GETFILES_SHOTS (to look at) or a temporary one.
func (h *harness) shot(name string) string {
	h.t.Helper()
	dir := os.Getenv("GETFILES_SHOTS")
	if dir == "" {
		dir = h.t.TempDir()
	}
	p := filepath.Join(dir, name+".png")
	f, err := os.Create(p)
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, h.w.Canvas().Capture()); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// TestScreenshot renders the screen once, as it first shows, to check the
// pictures can be made (TestScreenshots makes them all).
func TestScreenshot(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	h.row("Documents/report.txt")
	img := h.w.Canvas().Capture()
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 600 {
		t.Errorf("the picture is %v", b)
	}
	h.shot("first")
}

// TestScreenshots renders the screen at 800×600 in the light and dark
// themes: the tree as it first shows, with checks and a finished restore,
// the versions, the "as of" dialog, search results and the empty screen.
// Painting is slow (half a minute under the race detector), so it runs
// only with GETFILES_SHOTS=dir, where the pictures are kept to look at.
func TestScreenshots(t *testing.T) {
	if os.Getenv("GETFILES_SHOTS") == "" {
		t.Skip("set GETFILES_SHOTS to a folder to make the pictures")
	}
	a := uitest.New(t)
	a.Write(t, map[string]string{"Documents/report.txt": "the quarterly report, final"})
	a.Remove(t, "Music/playlist.m3u")
	a.Backup(t)
	for _, variant := range []struct {
		name string
		th   fyne.Theme
	}{{"light", theme.LightTheme()}, {"dark", theme.DarkTheme()}} { //nolint:staticcheck // fixed variants for pictures
		h := newHarness(t, a)
		fyne.CurrentApp().Settings().SetTheme(variant.th)
		h.row("Documents/report.txt")
		h.shot("start-" + variant.name)
		h.check("thesis")
		h.restoreChecked()
		h.check("Documents/notes")
		h.waitFor("the size", func() bool { return h.s.panel.button.Text == "Restore 1 item (8 B)" })
		h.row("Documents/report.txt")
		h.shot("tree-" + variant.name)

		test.Tap(h.row("Documents/report.txt").clock)
		h.waitFor("the versions", func() bool { return len(h.s.versions.versions) == 2 })
		h.shot("versions-" + variant.name)
		h.s.versions.d.Hide()

		test.Tap(h.s.top.asOf)
		test.Type(h.s.top.dialog.date, "yesterday")
		test.Tap(h.s.top.dialog.show)
		h.shot("asof-" + variant.name)
		h.s.top.dialog.d.Hide()

		test.Tap(h.s.top.deleted)
		test.Type(h.s.top.search, "t")
		h.waitFor("the results", func() bool { return len(h.s.search.results) > 0 })
		p := h.shot("search-" + variant.name)
		t.Log("pictures in", filepath.Dir(p))

		e := newHarness(t, uitest.NewDevice(t))
		fyne.CurrentApp().Settings().SetTheme(variant.th)
		e.waitFor("the message", func() bool { return e.s.empty.Visible() && e.s.empty.Text != "" })
		e.shot("empty-" + variant.name)
	}
}
