package getfiles

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/fit"
	"github.com/cairnbackup/cairn/ui/words"
)

// versionsDialog lists every version of one file, newest first; each
// one that is not a deletion can be restored with the restore options.
type versionsDialog struct {
	d        *dialog.CustomDialog
	status   *widget.Label
	list     *widget.List
	versions []engine.Version
	restore  map[int]*widget.Button // the restore button showing each version now
	cancel   context.CancelFunc
}

// showVersions opens the versions of e's path (the clock button).
func (s *Screen) showVersions(e index.Entry) {
	p := e.Version.Path
	vd := &versionsDialog{status: widget.NewLabel(lang.L("Reading the versions…")), restore: map[int]*widget.Button{}}
	vd.status.Wrapping = fyne.TextWrapWord
	vd.list = widget.NewList(func() int { return len(vd.versions) }, vd.create, func(id widget.ListItemID, o fyne.CanvasObject) {
		vd.update(s, id, o)
	})
	vd.list.OnSelected = func(id widget.ListItemID) { vd.list.Unselect(id) }
	where := widget.NewLabel(lang.L("A version you restore goes to: {{.Place}}. Change this under “Save to” below.",
		map[string]any{"Place": s.panel.placeName(1)})) // the versions of one file
	where.Wrapping = fyne.TextWrapWord
	where.TextStyle.Italic = true
	path := fit.NewPathLabel(osPath(p))
	content := container.NewBorder(container.NewVBox(path, vd.status), where, nil, nil, vd.list)
	vd.d = dialog.NewCustom(lang.L("Versions of {{.Name}}", map[string]any{"Name": displayName(p)}), lang.L("Close"), content, s.w)
	vd.d.Resize(fyne.NewSize(640, 440))
	var ctx context.Context
	ctx, vd.cancel = context.WithCancel(context.Background())
	vd.d.SetOnClosed(vd.cancel)
	s.versions = vd
	vd.d.Show()
	eng, dest := s.deps.Engine, s.dest
	go func() {
		vs, err := eng.Versions(ctx, dest, p)
		s.do(func() { vd.loaded(vs, err) })
	}()
}

func (vd *versionsDialog) loaded(vs []engine.Version, err error) {
	if err != nil {
		vd.status.SetText(lang.L("Cairn could not read the versions: {{.Error}} Close this and click the clock again to retry.", map[string]any{"Error": words.Error(err)}))
		return
	}
	slices.Reverse(vs)
	vd.versions = vs
	vd.status.SetText(words.Count(int64(len(vs)), "{{.Count}} versions, newest first. Choose one to restore it."))
	vd.list.Refresh()
}

// versionRow is one version: when it was recorded, its size or "Deleted",
// and its Restore button.
type versionRow struct {
	widget.BaseWidget
	stamp, size, note *widget.Label
	restore           *widget.Button
	content           fyne.CanvasObject
}

func (vd *versionsDialog) create() fyne.CanvasObject {
	r := &versionRow{stamp: widget.NewLabel(""), size: widget.NewLabel(""), note: widget.NewLabel("")}
	r.size.Alignment = fyne.TextAlignTrailing
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.restore = widget.NewButtonWithIcon(lang.L("Restore"), theme.DownloadIcon(), nil)
	r.content = container.NewBorder(nil, nil, container.New(columns{190, 90}, r.stamp, r.size), r.restore, r.note)
	r.ExtendBaseWidget(r)
	return r
}

func (r *versionRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (vd *versionsDialog) update(s *Screen, id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*versionRow)
	for k, b := range vd.restore {
		if b == r.restore {
			delete(vd.restore, k)
		}
	}
	v := vd.versions[id]
	r.stamp.SetText(words.Stamp(v.RecordedTime()))
	r.size.SetText("")
	r.note.SetText("")
	switch {
	case v.Deleted:
		r.note.SetText(lang.L("Deleted"))
	case v.Type != engine.TypeDir:
		r.size.SetText(words.Bytes(v.Size))
	}
	if v.Warning != "" {
		r.note.SetText(lang.L("Changed while it was read: this copy may be incomplete"))
	}
	r.restore.Hidden = v.Deleted
	r.restore.OnTapped = func() {
		vd.d.Hide()
		s.restoreVersion(v)
	}
	r.restore.Refresh()
	vd.restore[id] = r.restore
}
