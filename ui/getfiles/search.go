package getfiles

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/words"
)

// maxResults bounds a search: more is not readable, and the person can
// type more of the name.
const maxResults = 200

// searchDelay lets a person type a few letters before a search starts.
const searchDelay = 250 * time.Millisecond

// searchView finds paths by name in the whole backup (as of the view) and
// shows them as a flat list with their folders, in place of the tree. Each
// keystroke cancels the search before it.
type searchView struct {
	s       *Screen
	box     *fyne.Container
	status  *widget.Label
	list    *widget.List
	results []index.Entry
	query   string
	cancel  context.CancelFunc
	rows    map[string]*row // the row showing each path now
}

func newSearchView(s *Screen) *searchView {
	sv := &searchView{s: s, status: widget.NewLabel(""), cancel: func() {}, rows: map[string]*row{}}
	sv.status.Wrapping = fyne.TextWrapWord
	sv.list = widget.NewList(func() int { return len(sv.results) },
		func() fyne.CanvasObject { return newRow(true, s.toggle, s.showVersions) },
		sv.update)
	sv.list.OnSelected = func(id widget.ListItemID) { sv.list.Unselect(id) }
	sv.box = container.NewBorder(container.NewVBox(sv.status, header(true)), nil, nil, nil, sv.list)
	return sv
}

func (sv *searchView) update(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*row)
	if sv.rows[r.id] == r {
		delete(sv.rows, r.id)
	}
	if id >= len(sv.results) {
		return
	}
	e := sv.results[id]
	r.bind(e, sv.s.checkState(e.Version.Path, false), sv.s.deps.now())
	r.id = e.Version.Path
	sv.rows[r.id] = r
}

func (sv *searchView) active() bool { return sv.query != "" }

// start searches for q after a short pause; an empty q shows the tree.
func (sv *searchView) start(q string) {
	sv.cancel()
	sv.query = strings.TrimSpace(q)
	if sv.query == "" {
		sv.results = nil
		sv.s.showOnly(sv.s.treeBox)
		return
	}
	if sv.s.dest == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	sv.cancel = cancel
	sv.status.SetText(lang.L("Searching for “{{.Query}}”…", map[string]any{"Query": sv.query}))
	sv.s.showOnly(sv.box)
	eng, dest, view, query := sv.s.deps.Engine, sv.s.dest, sv.s.view, sv.query
	go func() {
		select {
		case <-time.After(searchDelay):
		case <-ctx.Done():
			return
		}
		var found []index.Entry
		err := eng.Search(ctx, dest, "/", query, view, maxResults+1, func(e index.Entry) error {
			found = append(found, e)
			return nil
		})
		sv.s.do(func() { sv.done(ctx, found, err) })
	}()
}

// rerun searches again after the view changed.
func (sv *searchView) rerun() {
	if sv.active() {
		sv.start(sv.query)
	}
}

func (sv *searchView) done(ctx context.Context, found []index.Entry, err error) {
	if ctx.Err() != nil {
		return // a newer search replaced this one
	}
	sv.cancel()
	more := len(found) > maxResults
	if more {
		found = found[:maxResults]
	}
	sv.results = found
	sv.list.Refresh()
	sv.list.ScrollToTop()
	args := map[string]any{"Query": sv.query, "Count": len(found), "Max": maxResults}
	switch {
	case err != nil:
		sv.status.SetText(lang.L("The search stopped: {{.Error}} Change the search to try again.", map[string]any{"Error": words.Error(err)}))
	case len(found) == 0:
		sv.status.SetText(lang.L("No file or folder has “{{.Query}}” in its name. Check the spelling, try part of the name, or turn on “Show deleted files”.", args))
	case more:
		sv.status.SetText(lang.L("The first {{.Max}} names with “{{.Query}}”: type more of the name to find fewer.", args))
	default:
		sv.status.SetText(lang.N("{{.Count}} names with “{{.Query}}”", len(found), args))
	}
}
