package replace

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// variant is the default theme in one variant, light or dark.
type variant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// shoot saves the window as dir/name-light.png and name-dark.png.
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

// TestScreenshots renders every page at the smallest window size, to
// look at: CAIRN_SHOTS=/some/dir go test -run Screenshots ./ui/replace/
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CAIRN_SHOTS")
	if dir == "" {
		t.Skip("set CAIRN_SHOTS to a folder to render the pages")
	}
	url, fp := serverAt(t)
	oldLaptop(t, url, fp)
	h := newComputer(t)
	h.open()
	h.atStep(1)
	h.shoot(dir, "1-server")
	typeIn(h.s.where.address, url)
	typeIn(h.s.where.user, "ana")
	typeIn(h.s.where.pass, "account password")
	h.next()
	trust := h.dialogButton("Trust")
	h.shoot(dir, "1-fingerprint")
	test.Tap(trust)
	h.atStep(2)
	h.shoot(dir, "2-server")
	h.next()
	confirm := h.dialogButton("Replace it")
	h.shoot(dir, "2-confirm")
	test.Tap(confirm)
	h.waitFor("the archive password asked", func() bool { return h.s.job == nil && h.s.pick.secret.Visible() })
	h.shoot(dir, "2-secret")
	typeIn(h.s.pick.password, "wrong")
	h.next()
	h.waitFor("refused", func() bool { return h.s.job == nil && h.s.pick.problem.Text != "" && !h.s.Busy() })
	h.shoot(dir, "2-wrong")
	h.s.where.show()
	h.s.where.kind.SetSelected("To a folder or an external drive")
	h.shoot(dir, "1-folder")
	typeIn(h.s.where.folder, "/media/ana/Backup drive/Cairn")
	h.next()
	h.shoot(dir, "2-folder")
	h.s.where.show()
	h.s.where.kind.SetSelected("To a Cairn server")
	h.next() // the fingerprint trusted once is not asked again
	h.atStep(2)
	h.shoot(dir, "2-server-again")
	typeIn(h.s.pick.password, uitest.Password)
	hold := &holdTransfer{Engine: h.dev}
	h.s.deps.Engine = hold
	h.next()
	test.Tap(h.dialogButton("Replace it"))
	h.waitChoose()
	h.s.choose.files.SetSelected("Selected folders")
	test.Tap(h.check("Documents"))
	h.shoot(dir, "3-choose")
	h.s.choose.files.SetSelected("All files")
	h.next()
	h.atStep(4)
	h.shoot(dir, "4-transfer")
	h.s.transfer.progress(restore.Progress{Files: 1200, FilesDone: 480, Bytes: 3_400_000_000, BytesDone: 1_200_000_000,
		Current: "/home/ana/Pictures/2019/holiday/IMG_2041.jpg"})
	h.s.transfer.failed([]engine.FileError{{Path: "/home/ana/Documents/locked.docx", Err: os.ErrPermission},
		{Path: "/home/ana/Music/broken.mp3", Err: engine.ErrDamaged}})
	h.shoot(dir, "4-progress")
	test.Tap(h.s.transfer.stopBtn)
	h.waitFor("stopped", func() bool { return !h.s.Busy() })
	h.shoot(dir, "4-stopped")
	test.Tap(h.s.transfer.goBtn)
	h.atStep(5)
	h.shoot(dir, "5-summary")
}
