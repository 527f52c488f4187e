package getfiles

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// The engine's device is what the app passes as Engine.
var _ Engine = (*device.Device)(nil)

func TestMain(m *testing.M) {
	uitest.UseEnglish()
	os.Exit(m.Run())
}

// harness is the screen in a window of the smallest supported size, on a
// real device.
type harness struct {
	t         *testing.T
	a         *uitest.Archive
	s         *Screen
	w         fyne.Window
	ui        *uitest.Queue
	downloads string
	opened    []string // OpenFolder calls
}

func newHarness(t *testing.T, a *uitest.Archive) *harness {
	t.Helper()
	test.NewTempApp(t)
	h := &harness{t: t, a: a, ui: &uitest.Queue{}, downloads: filepath.Join(a.Root, "Downloads")}
	h.w = test.NewTempWindow(t, nil)
	h.s = New(h.w, Deps{Engine: a.Dev, UserHome: a.ArchivePath(""), Downloads: h.downloads,
		Desktop: filepath.Join(a.Root, "Desktop"), OpenFolder: func(p string) { h.opened = append(h.opened, p) }})
	h.s.do = h.ui.Do
	h.w.SetContent(h.s.Object())
	h.w.Resize(uitest.Size)
	h.s.Shown()
	return h
}

// waitFor runs what the background posted until cond holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	uitest.WaitFor(h.t, what, func() bool {
		h.ui.Run()
		return cond()
	})
}

// row waits for the tree row of rel (relative to the home folder),
// opening the folders above it.
func (h *harness) row(rel string) *row {
	h.t.Helper()
	return h.rowID(h.a.ArchivePath(rel))
}

// rowID waits for the tree row of a node: a path, or a folder's note.
func (h *harness) rowID(id string) *row {
	h.t.Helper()
	p := id
	if i := strings.IndexByte(id, 0); i >= 0 {
		p = id[:i] + "/note"
	}
	for _, a := range ancestors(p) {
		if a != "/" {
			h.s.tree.w.OpenBranch(a)
		}
	}
	var r *row
	h.waitFor("the row of "+id, func() bool {
		h.s.tree.w.ScrollTo(id)
		r = h.s.tree.rows[id]
		return r != nil
	})
	return r
}

// hasRow reports whether the tree shows rel, once its folder is read.
func (h *harness) hasRow(rel string) bool {
	h.t.Helper()
	p := h.a.ArchivePath(rel)
	dir := path.Dir(p)
	h.s.tree.w.OpenBranch(dir)
	h.waitFor("the folder "+dir, func() bool {
		_, ok := h.s.tree.children(dir)
		return ok
	})
	kids, _ := h.s.tree.children(dir)
	for _, k := range kids {
		if k == p {
			return true
		}
	}
	return false
}

// tapCheck taps a row's check box in its middle.
func tapCheck(c *widget.Check) {
	test.TapAt(c, fyne.NewPos(c.MinSize().Width/2, c.Size().Height/2))
}

// check checks rel in the tree.
func (h *harness) check(rel string) {
	h.t.Helper()
	r := h.row(rel)
	tapCheck(r.check)
	if !h.s.sel.covered(h.a.ArchivePath(rel)) {
		h.t.Fatalf("%s is not checked after tapping its box", rel)
	}
}

// restoreChecked taps the Restore button and waits for the job to end.
func (h *harness) restoreChecked() *job {
	h.t.Helper()
	if h.s.panel.button.Disabled() {
		h.t.Fatal("the Restore button is disabled")
	}
	test.Tap(h.s.panel.button)
	j := h.s.queue.jobs[len(h.s.queue.jobs)-1]
	h.waitJob(j)
	return j
}

func (h *harness) waitJob(j *job) {
	h.t.Helper()
	h.waitFor("the restore of "+j.title+" to end", func() bool { return j.state == finished })
}

// chooseFolder picks dir under "Save to" through the folder dialog.
func (h *harness) chooseFolder(dir string) {
	h.t.Helper()
	p := h.s.panel
	p.saveTo.SetSelected(p.saveTo.Options[len(p.saveTo.Options)-1])
	if p.folderDialog == nil {
		h.t.Fatal("no folder dialog")
	}
	l, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		h.t.Fatal(err)
	}
	p.folderDialog.SetLocation(l)
	test.Tap(findButton(h.t, h.w.Canvas().Overlays().Top(), lang.L("Restore here")))
	if p.place != toFolder || p.folder != dir {
		h.t.Fatalf("Save to is %d %q, want the folder %q", p.place, p.folder, dir)
	}
}

// findButton finds a button by its text among what o shows.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

// readFile returns a file's content, failing the test when it is missing.
func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cardText is everything a job's card says.
func cardText(j *job) string {
	return strings.Join([]string{j.card.title.Text, j.card.status.Text, j.card.details.Text}, "\n")
}

// dialogOpen reports whether a dialog shows over the screen.
func (h *harness) dialogOpen() bool { return h.w.Canvas().Overlays().Top() != nil }
