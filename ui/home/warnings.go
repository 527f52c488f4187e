package home

import (
	"errors"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/ui/words"
)

// maxListed bounds the files the warnings list; the count says how many
// there are.
const maxListed = 100

// openUpTo is the most files whose list starts open: a longer one starts
// folded, so the rest of the screen stays in view.
const openUpTo = 5

// warnings lists the files the last pass could not read, folded under
// their count.
type warnings struct {
	acc   *widget.Accordion
	item  *widget.AccordionItem
	files *fyne.Container
	shown []engine.FileError
}

func newWarnings() *warnings {
	w := &warnings{files: container.NewVBox()}
	todo := widget.NewLabel(lang.L("Close the program that is using them, or check that you may read them; Cairn tries again at the next backup."))
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
	w.item.Title = lang.N("{{.Count}} files could not be read", len(list), map[string]any{"Count": len(list)})
	objs := make([]fyne.CanvasObject, 0, min(len(list), maxListed)+1)
	for _, fe := range list[:min(len(list), maxListed)] {
		l := widget.NewLabel(lang.L("{{.Path}}: {{.Why}}", map[string]any{"Path": displayPath(fe.Path), "Why": fileProblem(fe.Err)}))
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
	switch {
	case errors.Is(err, fs.ErrPermission):
		return lang.L("Cairn is not allowed to read it.")
	case errors.Is(err, fs.ErrNotExist):
		return lang.L("It went away while Cairn was reading it.")
	case errors.As(err, &pe):
		return words.Error(pe.Err)
	}
	return words.Error(err)
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
