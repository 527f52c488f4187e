package getfiles

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// topBar chooses what the tree shows: which destination (when there is
// more than one), as of when, whether deleted files show, and a search by
// name.
type topBar struct {
	box     *fyne.Container
	dest    *widget.Select
	asOf    *widget.Button
	deleted *widget.Check
	search  *widget.Entry
	dialog  *momentDialog // the last "as of" dialog opened
}

func newTopBar(s *Screen) *topBar {
	b := &topBar{}
	b.dest = widget.NewSelect(nil, s.setDestination)
	b.dest.PlaceHolder = lang.L("Destination")
	b.dest.Hide()
	b.asOf = widget.NewButtonWithIcon("", theme.HistoryIcon(), s.chooseMoment)
	b.showMoment(moment{})
	b.deleted = widget.NewCheck(lang.L("Show deleted files"), s.setDeleted)
	b.search = widget.NewEntry()
	b.search.SetPlaceHolder(lang.L("Search by name"))
	b.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	b.search.OnChanged = s.search.start
	b.box = container.NewBorder(nil, nil, container.NewHBox(b.dest, b.asOf, b.deleted), nil, b.search)
	return b
}

func (b *topBar) setDestinations(names []string) {
	b.dest.SetOptions(names)
	b.dest.Hidden = len(names) < 2
	b.box.Refresh()
}

func (b *topBar) showMoment(m moment) {
	if m.latest() {
		b.asOf.SetText(lang.L("As of: most recent"))
		return
	}
	b.asOf.SetText(lang.L("As of: {{.Time}}", map[string]any{"Time": m.String()}))
}
