package home

import (
	"errors"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/watch"
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

// TestScreenshots draws the screen at 800×600 in both themes into
// $CAIRN_SHOTS, for people to look at; it checks nothing.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CAIRN_SHOTS")
	if dir == "" {
		t.Skip("set CAIRN_SHOTS to a folder to draw the screen")
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		h := newHarness(t)
		fyne.CurrentApp().Settings().SetTheme(variant{theme.DefaultTheme(), v})
		h.s.Shown()
		h.card(t)
		shot(t, h, dir, v, "home-idle", func() {
			h.s.showState(service.State{Phase: service.Attention, LastSafe: time.Now().Add(-3 * time.Minute),
				Watching: watch.Status{Folders: 1204}, NextScan: time.Now().Add(13 * time.Hour),
				LastScan: time.Now().Add(-11 * time.Hour),
				Unreadable: []engine.FileError{
					{Path: h.a.ArchivePath("Documents/budget 2026.ods"), Err: &fs.PathError{Op: "open", Err: fs.ErrPermission}},
					{Path: h.a.ArchivePath("thesis/chapter2.tex"), Err: errors.New("read: input/output error")}}})
		})
		shot(t, h, dir, v, "home-progress", func() {
			h.s.showState(service.State{Phase: service.BackingUp, Progress: backup.Progress{FilesToRead: 1234,
				FilesRead: 400, BytesToRead: 2_400_000_000, BytesRead: 900_000_000, Elapsed: 90 * time.Second}})
		})
		shot(t, h, dir, v, "home-waiting", func() {
			h.s.showState(service.State{Phase: service.Waiting, LastSafe: time.Now().Add(-40 * time.Minute),
				Problem: "On battery at 18 %: backups wait until the computer is plugged in or charged to 20 %.",
				Watching: watch.Status{Folders: 8192, Limited: true, Unwatched: 40,
					Problem: "This computer allows watching only 8,192 folders (max_user_watches); 40 more are covered by the regular scans."},
				NextScan: time.Now().Add(2 * time.Hour), NextRun: time.Now().Add(10 * time.Minute)})
		})
		shot(t, h, dir, v, "home-away", func() {
			h.s.showState(service.State{Phase: service.BackingUp, Away: true, UploadLimit: 500_000,
				Watching: watch.Status{Folders: 1204}, Progress: backup.Progress{FilesToRead: 1234,
					FilesRead: 400, BytesToRead: 2_400_000_000, BytesRead: 900_000_000, Elapsed: 90 * time.Second}})
		})
		shot(t, h, dir, v, "home-replaced", func() {
			h.s.showState(service.State{Phase: service.Attention, LastSafe: time.Now().Add(-26 * time.Hour),
				Problem: "work: this computer was replaced",
				SignedOut: []service.SignedOut{{Destination: "Work server", Replaced: true, ReplacedBy: "New laptop",
					At: time.Now().Add(-2 * time.Hour)}}})
		})
		shot(t, h, dir, v, "home-paused", func() {
			h.s.showState(service.State{Phase: service.Paused, LastSafe: time.Now().Add(-20 * time.Minute),
				PausedUntil: time.Now().Add(4 * time.Hour), ChangesWaiting: 12, Watching: watch.Status{Folders: 1204},
				NextScan: time.Now().Add(13 * time.Hour), LastScan: time.Now().Add(-11 * time.Hour)})
		})
		if err := h.a.Dev.RemoveDestination(uitest.DestName); err != nil {
			t.Fatal(err)
		}
		h.s.Shown()
		h.q.Wait(t, "no destination", func() bool { return h.s.showingNone })
		shot(t, h, dir, v, "home-none", func() {})
	}
}

func shot(t *testing.T, h *harness, dir string, v fyne.ThemeVariant, name string, prepare func()) {
	t.Helper()
	prepare()
	for _, size := range []fyne.Size{uitest.Size, fyne.NewSize(600, 600)} {
		h.w.Resize(size.AddWidthHeight(1, 1)) // twice: wrapped text knows its height
		h.w.Resize(size)                      // after one layout
		f, err := os.Create(filepath.Join(dir, name+"-"+sizeName(size)+"-"+variantName(v)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, h.w.Canvas().Capture())
		f.Close()
	}
	h.w.Resize(uitest.Size)
}

func sizeName(s fyne.Size) string {
	if s.Width == 800 {
		return "800"
	}
	return "600"
}

func variantName(v fyne.ThemeVariant) string {
	if v == theme.VariantDark {
		return "dark"
	}
	return "light"
}
