package getfiles

import (
	"path"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/fit"
	"github.com/cairnbackup/cairn/ui/words"
)

// Column widths on the right of every row and of the header, so they line
// up whatever the depth in the tree.
const (
	sizeWidth  = 80
	whenWidth  = 170
	clockWidth = 40
)

// row shows one file or folder of the backup: a check box, its icon, name
// (and folder, in search results), size, modification time and, for a
// file, the clock button that opens its versions. The same row shows a
// "Loading…" or error line in place of a folder's children.
type row struct {
	widget.BaseWidget
	check            *widget.Check
	icon             *widget.Icon
	name, size, when *widget.Label
	folder           *fit.PathLabel
	clock            *widget.Button
	content          fyne.CanvasObject
	id               string // the tree node or search result shown
	path             string
	entry            index.Entry
	binding          bool
	onCheck          func(path string, on bool)
	onClock          func(e index.Entry)
}

func newRow(withFolder bool, onCheck func(string, bool), onClock func(index.Entry)) *row {
	r := &row{onCheck: onCheck, onClock: onClock, icon: widget.NewIcon(theme.FileIcon())}
	r.check = widget.NewCheck("", func(on bool) {
		if !r.binding && r.onCheck != nil {
			r.onCheck(r.path, on)
		}
	})
	r.name = truncLabel()
	r.folder = fit.NewPathLabel("")
	r.size = widget.NewLabel("")
	r.size.Alignment = fyne.TextAlignTrailing
	r.when = truncLabel()
	r.clock = widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { r.onClock(r.entry) })
	r.clock.Importance = widget.LowImportance
	var center fyne.CanvasObject = r.name
	if withFolder {
		center = container.NewGridWithColumns(2, r.name, r.folder)
	}
	right := container.New(columns{sizeWidth, whenWidth, clockWidth}, r.size, r.when, r.clock)
	r.content = container.NewBorder(nil, nil, container.NewHBox(r.check, r.icon), right, center)
	r.ExtendBaseWidget(r)
	return r
}

func truncLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// bind shows e; state says how its check box looks.
func (r *row) bind(e index.Entry, state checkState, now time.Time) {
	v := &e.Version
	r.path, r.entry = v.Path, e
	r.setCheck(state)
	r.check.Show()
	r.icon.Show()
	if v.Type == engine.TypeDir {
		r.icon.SetResource(theme.FolderIcon())
	} else {
		r.icon.SetResource(theme.FileIcon())
	}
	r.setText(r.name, displayName(v.Path), widget.MediumImportance)
	r.folder.SetPath(osPath(path.Dir(v.Path)))
	r.size.SetText("")
	if v.Type != engine.TypeDir {
		r.size.SetText(words.Bytes(v.Size))
	}
	r.when.SetText(words.When(v.ModTimeTime(), now))
	if e.DeletedAt != 0 {
		r.setText(r.name, displayName(v.Path), widget.LowImportance)
		r.when.SetText(lang.L("deleted {{.When}}", map[string]any{"When": words.When(time.Unix(0, e.DeletedAt), now)}))
	}
	r.clock.Hidden = v.Type == engine.TypeDir
	r.clock.Refresh()
}

// note shows a line that is not a file: "Loading…", an error, "Empty".
func (r *row) note(text string, imp widget.Importance) {
	r.path, r.entry = "", index.Entry{}
	r.check.Hide()
	r.icon.Hide()
	r.clock.Hide()
	r.setText(r.name, text, imp)
	r.folder.SetPath("")
	r.size.SetText("")
	r.when.SetText("")
}

func (r *row) setText(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.TextStyle.Italic = imp == widget.LowImportance || imp == widget.DangerImportance
	l.SetText(text)
	l.Refresh()
}

// checkState is how a row's check box looks.
type checkState struct {
	on, partial, disabled bool
}

func (r *row) setCheck(s checkState) {
	r.binding = true
	defer func() { r.binding = false }()
	r.check.Checked, r.check.Partial = s.on, s.partial
	if s.disabled {
		r.check.Disable()
	} else {
		r.check.Enable()
	}
	r.check.Refresh()
}

// displayName is the last element of an archive path ("/C:" → "C:").
func displayName(p string) string {
	if p == "/" {
		return "/"
	}
	return path.Base(p)
}

// columns lays its objects side by side in columns of fixed widths, hidden
// ones keeping their place so rows line up.
type columns []float32

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		s.Width += c[i]
		if o.Visible() {
			s.Height = max(s.Height, o.MinSize().Height)
		}
	}
	return s
}

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(c[i], size.Height))
		x += c[i]
	}
}

// header is the line above the tree naming the columns.
func header(withFolder bool) fyne.CanvasObject {
	bold := func(s string) *widget.Label {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	size := bold(lang.L("Size"))
	size.Alignment = fyne.TextAlignTrailing
	var center fyne.CanvasObject = bold(lang.L("Name"))
	if withFolder {
		center = container.NewGridWithColumns(2, center, bold(lang.L("Folder")))
	}
	right := container.New(columns{sizeWidth, whenWidth, clockWidth}, size, bold(lang.L("Modified")), widget.NewLabel(""))
	return container.NewBorder(nil, nil, nil, right, center)
}
