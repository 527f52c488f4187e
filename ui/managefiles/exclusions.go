package managefiles

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/ui/fit"
	"github.com/cairnbackup/cairn/ui/words"
)

// exclusionsPanel lists the exclusion patterns, the person's and this
// system's defaults, each with a Remove button, with a field to add one
// and a button that puts the defaults back. Its fields belong to the UI
// thread (and Screen.mu).
type exclusionsPanel struct {
	s       *Screen
	entry   *widget.Entry
	add     *widget.Button
	problem *widget.Label
	list    *widget.List
	rows    []exclusionRow
	restore *widget.Button
	obj     fyne.CanvasObject
}

// exclusionRow is one line of the list: a heading, a note, or a pattern.
type exclusionRow struct {
	text      string
	pattern   string // "" for a heading or a note
	heading   bool
	isDefault bool
}

func newExclusionsPanel(s *Screen) *exclusionsPanel {
	x := &exclusionsPanel{s: s, entry: widget.NewEntry(), problem: widget.NewLabel("")}
	x.entry.SetPlaceHolder(lang.L("A pattern, e.g. *.iso"))
	x.entry.OnSubmitted = func(string) { x.addTyped() }
	x.entry.OnChanged = func(string) { x.problem.Hide() }
	x.add = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), x.addTyped)
	x.problem.Importance = widget.DangerImportance
	x.problem.Wrapping = fyne.TextWrapWord
	x.problem.Hide()
	x.list = widget.NewList(func() int { return len(x.rows) }, x.createRow, x.updateRow)
	x.restore = widget.NewButtonWithIcon(lang.L("Restore the defaults"), theme.ContentUndoIcon(), x.restoreDefaults)
	help := widget.NewLabel(lang.L("A pattern leaves out every file or folder it matches, wherever it is: " +
		"*.tmp (names ending in .tmp), node_modules (anything of that name), ~/Downloads (that folder in your home folder)."))
	help.Wrapping = fyne.TextWrapWord
	help.SizeName = theme.SizeNameCaptionText
	title := widget.NewLabelWithStyle(lang.L("Exclusions"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(container.NewBorder(nil, nil, nil, x.restore, title), help,
		container.NewBorder(nil, nil, nil, x.add, x.entry), x.problem)
	x.obj = container.NewBorder(top, nil, nil, nil, x.list)
	return x
}

// createRow makes a row: a heading or a note, or a pattern, which keeps
// its end when it does not fit (a long path's last folder is what tells
// it apart), with its Remove button.
func (x *exclusionsPanel) createRow() fyne.CanvasObject {
	remove := widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), nil)
	remove.Importance = widget.LowImportance
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, remove, container.NewStack(label, fit.NewPathLabel("")))
}

func (x *exclusionsPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	texts, remove := c.Objects[0].(*fyne.Container), c.Objects[1].(*widget.Button)
	label, pattern := texts.Objects[0].(*widget.Label), texts.Objects[1].(*fit.PathLabel)
	r := x.rows[i]
	label.TextStyle = fyne.TextStyle{Bold: r.heading}
	label.Importance = widget.MediumImportance
	if r.pattern == "" && !r.heading {
		label.Importance = widget.LowImportance
	}
	label.Hidden, pattern.Hidden = r.pattern != "", r.pattern == ""
	label.SetText(r.text)
	pattern.SetPath(r.pattern)
	remove.Hidden = r.pattern == ""
	remove.OnTapped = func() { x.s.setPending(x.s.view.removePattern(r.pattern, r.isDefault)) }
	c.Refresh() // lays the row out again: the button may have been hidden
}

// refresh shows the patterns of the selection on screen.
func (x *exclusionsPanel) refresh() {
	v := x.s.view
	x.rows = []exclusionRow{{text: lang.L("Your exclusions"), heading: true}}
	for _, p := range v.sel.Exclude {
		x.rows = append(x.rows, exclusionRow{text: p, pattern: p})
	}
	if len(v.sel.Exclude) == 0 {
		x.rows = append(x.rows, exclusionRow{text: lang.L("None yet.")})
	}
	x.rows = append(x.rows, exclusionRow{text: lang.L("Default exclusions for {{.System}}",
		map[string]any{"System": systemName(v.goos)}), heading: true})
	for _, p := range v.sel.Defaults {
		x.rows = append(x.rows, exclusionRow{text: p, pattern: p, isDefault: true})
	}
	if len(v.sel.Defaults) == 0 {
		x.rows = append(x.rows, exclusionRow{text: lang.L("None: Restore the defaults puts them back.")})
	}
	x.list.Refresh()
	if v.defaultsRestored() {
		x.restore.Disable()
	} else {
		x.restore.Enable()
	}
}

// addTyped adds the typed pattern, or says why it cannot.
func (x *exclusionsPanel) addTyped() {
	sel, err := x.s.view.addPattern(x.entry.Text)
	if err != nil {
		x.problem.SetText(x.problemText(err))
		x.problem.Show()
		return
	}
	x.entry.SetText("")
	x.problem.Hide()
	x.s.setPending(sel)
}

func (x *exclusionsPanel) problemText(err error) string {
	p := map[string]any{"Pattern": x.entry.Text}
	switch {
	case errors.Is(err, errEmpty):
		return lang.L("Type a pattern first, for example *.iso.")
	case errors.Is(err, errDuplicate):
		return lang.L("“{{.Pattern}}” is in the list already.", p)
	}
	p["Problem"] = patternProblem(x.entry.Text, err)
	if p["Problem"] == err.Error() {
		p["Problem"] = words.Error(err)
	}
	return lang.L("“{{.Pattern}}” cannot be used: {{.Problem}}. Correct it, then press Add again.", p)
}

func (x *exclusionsPanel) restoreDefaults() { x.s.setPending(x.s.view.restoreDefaults()) }

// systemName is how people call goos.
func systemName(goos string) string {
	switch goos {
	case "darwin":
		return "macOS"
	case "windows":
		return "Windows"
	}
	return "Linux"
}
