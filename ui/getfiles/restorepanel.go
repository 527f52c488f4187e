package getfiles

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/ui/fit"
	"github.com/cairnbackup/cairn/ui/words"
)

// place is where restored files go.
type place int

const (
	toDownloads place = iota // the default: nothing on the computer is touched
	toDesktop
	toOriginal
	toFolder
)

// restorePanel holds the restore options and the Restore button.
type restorePanel struct {
	s                       *Screen
	box                     *fyne.Container
	relayout                func() // lays the option columns out again
	saveTo, conflict, perms *widget.Select
	button                  *widget.Button
	hint                    *widget.Label
	place                   place
	folder                  string // the chosen folder (OS path), once one is chosen
	setting                 bool   // saveTo is being set by the code, not the person
	sizeCancel              context.CancelFunc
	folderDialog            *dialog.FileDialog
}

func newRestorePanel(s *Screen) *restorePanel {
	p := &restorePanel{s: s, sizeCancel: func() {}}
	p.saveTo = widget.NewSelect(nil, p.saveToChanged)
	p.conflict = widget.NewSelect([]string{lang.L("Rename it and restore a copy"), lang.L("Overwrite it")}, nil)
	p.conflict.SetSelectedIndex(0)
	p.perms = widget.NewSelect([]string{lang.L("As they were"), lang.L("Mine (the current user's)")}, nil)
	p.perms.SetSelectedIndex(0)
	p.button = widget.NewButtonWithIcon("", theme.DownloadIcon(), s.restoreChecked)
	p.button.Importance = widget.HighImportance
	p.hint = widget.NewLabel("")
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.TextStyle.Italic = true
	p.showPlaces()
	labelled := func(l string, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewVBox(widget.NewLabelWithStyle(l, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), o)
	}
	cols := fit.Columns{Want: []func() float32{func() float32 { return fit.SelectWant(p.saveTo) },
		func() float32 { return fit.SelectWant(p.conflict) }, func() float32 { return fit.SelectWant(p.perms) }}}
	options := container.New(cols, labelled(lang.L("Save to"), p.saveTo),
		labelled(lang.L("If a file is already there"), p.conflict), labelled(lang.L("Permissions"), p.perms))
	// The columns share the width by what each shows: a new choice may
	// need more or less of it.
	relayout := func(string) { options.Refresh() }
	p.conflict.OnChanged, p.perms.OnChanged = relayout, relayout
	p.relayout = func() { options.Refresh() }
	p.box = container.NewVBox(widget.NewSeparator(), options,
		container.NewBorder(nil, nil, nil, p.button, p.hint))
	return p
}

// showPlaces sets the "Save to" choices, in the order of place; the chosen
// folder comes before "Choose a folder…".
func (p *restorePanel) showPlaces() {
	opts := []string{lang.L("Downloads"), lang.L("Desktop"), lang.L("Original place")}
	if p.folder != "" {
		opts = append(opts, p.folder)
	}
	p.setting = true
	p.saveTo.SetOptions(append(opts, lang.L("Choose a folder…")))
	p.saveTo.SetSelectedIndex(int(min(p.place, toFolder)))
	p.setting = false
}

func (p *restorePanel) saveToChanged(string) {
	if p.relayout != nil {
		defer p.relayout()
	}
	if p.setting {
		return
	}
	i := p.saveTo.SelectedIndex()
	if i == len(p.saveTo.Options)-1 {
		p.showPlaces() // back to what it was until a folder is chosen
		p.chooseFolder()
		return
	}
	p.place = place(i)
}

func (p *restorePanel) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			p.setFolder(u.Path())
		}
	}, p.s.w)
	start := p.folder
	if start == "" {
		start = osPath(p.s.deps.UserHome)
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
		d.SetLocation(l)
	}
	d.SetConfirmText(lang.L("Restore here"))
	// A list shows folder names whole; the grid breaks them over two lines
	// ("Documen ts"). A view the person chose in the dialog is kept.
	d.SetView(dialog.ListView)
	d.Resize(fyne.NewSize(720, 500))
	p.folderDialog = d
	d.Show()
}

// setFolder makes dir (an OS path) the place to restore to.
func (p *restorePanel) setFolder(dir string) {
	p.folder, p.place = dir, toFolder
	p.showPlaces()
}

// target is the folder to restore into ("" = the original places).
func (p *restorePanel) target() string {
	switch p.place {
	case toDownloads:
		return p.s.deps.Downloads
	case toDesktop:
		return p.s.deps.Desktop
	case toFolder:
		return p.folder
	}
	return ""
}

// placeName says where n restored files go, in words.
func (p *restorePanel) placeName(n int) string {
	if p.place == toOriginal && n == 1 {
		return lang.L("where it was")
	}
	if p.place == toOriginal {
		return lang.L("where they were")
	}
	return p.target()
}

// listTitle is the title of the list of restores when they all go where
// the panel says.
func (p *restorePanel) listTitle() string {
	switch p.place {
	case toDownloads:
		return lang.L("Restores to Downloads")
	case toDesktop:
		return lang.L("Restores to the desktop")
	case toOriginal:
		return lang.L("Restores to where they were")
	}
	return lang.L("Restores to {{.Folder}}", map[string]any{"Folder": p.folder})
}

// options are the restore options chosen.
func (p *restorePanel) options(paths []string, view index.View) restore.Options {
	o := restore.Options{Paths: paths, View: view, To: p.target(), Conflict: restore.Rename, Perms: restore.Original}
	if p.conflict.SelectedIndex() == 1 {
		o.Conflict = restore.Overwrite
	}
	if p.perms.SelectedIndex() == 1 {
		o.Perms = restore.Current
	}
	return o
}

// selectionChanged updates the Restore button, adding up the size of what
// is checked in the background.
func (p *restorePanel) selectionChanged() {
	p.sizeCancel()
	n := p.s.sel.len()
	if n == 0 {
		p.button.SetText(lang.L("Restore"))
		p.button.Disable()
		p.hint.SetText(lang.L("Check the files and folders to restore, or use the clock beside a file to get an older version."))
		p.box.Refresh()
		return
	}
	p.button.SetText(words.Count(int64(n), "Restore {{.Count}} items"))
	p.button.Enable()
	from := map[string]any{"Destination": p.s.dest, "Time": p.s.moment.String()}
	if p.s.moment.latest() {
		p.hint.SetText(lang.L("From {{.Destination}}, as of the most recent backup.", from))
	} else {
		p.hint.SetText(lang.L("From {{.Destination}}, as of {{.Time}}.", from))
	}
	p.box.Refresh()
	ctx, cancel := context.WithCancel(context.Background())
	p.sizeCancel = cancel
	eng, dest, view, paths := p.s.deps.Engine, p.s.dest, p.s.view, p.s.sel.list()
	go func() {
		size, err := selectionSize(ctx, eng, dest, view, paths)
		if err != nil {
			return
		}
		p.s.do(func() {
			if ctx.Err() == nil {
				p.button.SetText(lang.N("Restore {{.Count}} items ({{.Size}})", n, map[string]any{"Count": n, "Size": words.Bytes(size)}))
				p.box.Refresh()
			}
		})
	}()
}

// selectionSize adds up the sizes of the files in paths and below them.
func selectionSize(ctx context.Context, b Browser, dest string, view index.View, paths []string) (int64, error) {
	var total int64
	add := func(e index.Entry) error {
		if e.Version.Type != engine.TypeDir {
			total += e.Version.Size
		}
		return ctx.Err()
	}
	for _, p := range paths {
		e, ok, err := b.Lookup(ctx, dest, p, view)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		if err := add(e); err != nil {
			return 0, err
		}
		if e.Version.Type == engine.TypeDir {
			if err := b.List(ctx, dest, p, view, true, add); err != nil {
				return 0, err
			}
		}
	}
	return total, nil
}
