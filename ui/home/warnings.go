package home

import (
	"errors"
	"github.com/cairnbackup/cairn/engine/snapshot"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	cfs "github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/ui/words"
)

// maxListed bounds the files the warnings list; the count says how many
// there are.
const maxListed = 100

// openUpTo is the most files whose list starts open: a longer one starts
// folded, so the rest of the screen stays in view.
const openUpTo = 5

// warnings lists files folded under their count: those the last pass
// could not read (newWarnings), or those left out on purpose (newNotes).
type warnings struct {
	acc   *widget.Accordion
	item  *widget.AccordionItem
	files *fyne.Container
	shown []engine.FileError
	title func(n int) string // the count, in words
	why   func(err error) string
}

func newWarnings() *warnings {
	return newFileList(lang.L("Close the program that is using them, or check that you may read them; Cairn tries again at the next backup."),
		func(n int) string {
			return lang.N("{{.Count}} files could not be read", n, map[string]any{"Count": n})
		}, fileProblem)
}

// newNotes lists what the last passes left out by design
// (service.State.NotBackedUp): not a problem, but the person should know
// that a cloud-only file has no copy made from this computer.
func newNotes() *warnings {
	return newFileList(lang.L("Cairn leaves these out on purpose. To back up a cloud-only file, keep it on this computer (“Always keep on this device”)."),
		func(n int) string {
			return lang.N("{{.Count}} files are not backed up", n, map[string]any{"Count": n})
		}, leftOutWhy)
}

func newFileList(todoText string, title func(int) string, why func(error) string) *warnings {
	w := &warnings{files: container.NewVBox(), title: title, why: why}
	todo := widget.NewLabel(todoText)
	todo.Wrapping = fyne.TextWrapWord
	w.item = widget.NewAccordionItem("", container.NewVBox(todo, w.files))
	w.acc = widget.NewAccordion(w.item)
	w.acc.Hide()
	return w
}

func (w *warnings) object() fyne.CanvasObject { return w.acc }

func (w *warnings) show(list []engine.FileError) {
	if sameFiles(list, w.shown) {
		return
	}
	w.shown = list
	if len(list) == 0 {
		w.acc.Hide()
		return
	}
	w.item.Title = w.title(len(list))
	objs := make([]fyne.CanvasObject, 0, min(len(list), maxListed)+1)
	for _, fe := range list[:min(len(list), maxListed)] {
		l := widget.NewLabel(lang.L("{{.Path}}: {{.Why}}", map[string]any{"Path": displayPath(fe.Path), "Why": w.why(fe.Err)}))
		l.Wrapping = fyne.TextWrapBreak
		objs = append(objs, l)
	}
	if more := len(list) - maxListed; more > 0 {
		objs = append(objs, widget.NewLabel(lang.N("and {{.Count}} more", more, map[string]any{"Count": more})))
	}
	w.files.Objects = objs
	w.item.Open = len(list) <= openUpTo
	w.acc.Show()
	w.acc.Refresh()
}

// fileProblem says why a file could not be read, without repeating its
// path.
func fileProblem(err error) string {
	var pe *fs.PathError
	var nr *snapshot.NotRead
	switch {
	case errors.As(err, &nr) && errors.Is(nr.Why, snapshot.ErrNoHelper):
		return lang.L("In use by another program: backed up when it is closed. To back up files while they are open, install Cairn for everyone on this computer.")
	case errors.Is(err, cfs.ErrInUse):
		return lang.L("In use by another program (Outlook keeps its .pst open): backed up when it is closed.")
	case errors.Is(err, fs.ErrPermission):
		return lang.L("Cairn is not allowed to read it.")
	case errors.Is(err, fs.ErrNotExist):
		return lang.L("It went away while Cairn was reading it.")
	case errors.As(err, &pe):
		return words.Error(pe.Err)
	}
	return words.Error(err)
}

// leftOutWhy says why an entry is left out on purpose (engine/fs's
// reasons), without repeating its path.
func leftOutWhy(err error) string {
	switch {
	case errors.Is(err, cfs.ErrCloudOnly):
		return lang.L("cloud-only, not downloaded: not backed up")
	case errors.Is(err, cfs.ErrJunction):
		return lang.L("a Windows junction, a link to another folder: that folder is backed up where it is selected")
	case errors.Is(err, cfs.ErrAppAlias):
		return lang.L("a Windows app execution alias: installing the app makes it again")
	}
	return lang.L("a special file Cairn cannot copy: not backed up")
}

func sameFiles(a, b []engine.FileError) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Path != b[i].Path {
			return false
		}
	}
	return true
}
