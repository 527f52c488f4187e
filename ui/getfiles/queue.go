package getfiles

import (
	"os"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/ui/words"
)

// progressEvery is the longest a progress bar waits for news, and the
// shortest time between two of its updates.
const progressEvery = 200 * time.Millisecond

// queue is the list of restores: they run one at a time, in the order
// they were asked for. The next one starts on the UI thread once the one
// before has said how it ended. Its title says where they go.
type queue struct {
	s       *Screen
	jobs    []*job
	running *job
	list    *fyne.Container
	box     *fyne.Container
	title   *widget.Label
	clear   *widget.Button
}

func newQueue(s *Screen) *queue {
	q := &queue{s: s, list: container.NewVBox()}
	q.clear = widget.NewButton(lang.L("Clear finished"), q.clearFinished)
	q.clear.Importance = widget.LowImportance
	q.title = widget.NewLabelWithStyle(lang.L("Restores"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	q.title.Truncation = fyne.TextTruncateEllipsis
	q.box = container.NewBorder(container.NewBorder(nil, nil, nil, q.clear, q.title), nil, nil, nil,
		container.NewVScroll(q.list))
	return q
}

// add puts j at the end of the list and starts it when nothing runs.
func (q *queue) add(j *job) {
	j.card = newJobCard(q, j)
	q.jobs = append(q.jobs, j)
	q.list.Add(j.card.box)
	q.retitle()
	q.s.showQueue(true)
	q.next()
}

func (q *queue) next() {
	if q.running != nil {
		return
	}
	for _, j := range q.jobs {
		if j.state == waiting {
			q.start(j)
			return
		}
	}
}

// start runs j in the background.
func (q *queue) start(j *job) {
	j.state, q.running = running, j
	j.card.started()
	eng, do, opts := q.s.deps.Engine, q.s.do, j.opts
	th := &throttle{every: progressEvery}
	opts.Progress = func(p restore.Progress) {
		if th.ok() {
			do(func() { j.card.progress(p) })
		}
	}
	go func() {
		res, err := eng.Restore(j.ctx, j.dest, opts)
		_, statErr := os.Stat(j.folder)
		do(func() { q.finished(j, res, err, statErr == nil) })
	}()
}

func (q *queue) finished(j *job, res restore.Result, err error, folderThere bool) {
	j.state = finished
	j.cancel()
	if q.running == j {
		q.running = nil
	}
	j.card.finished(summarize(j, res, err), folderThere && q.s.deps.OpenFolder != nil)
	q.next()
}

// stop cancels j: a waiting job never starts; a running one stops as soon
// as the engine notices.
func (q *queue) stop(j *job) {
	j.cancel()
	switch j.state {
	case waiting:
		j.state = finished
		j.card.finished(summary{headline: lang.L("Cancelled before it started."), imp: widget.WarningImportance}, false)
	case running:
		j.card.cancelling()
	}
}

func (q *queue) remove(j *job) {
	q.jobs = slices.DeleteFunc(q.jobs, func(x *job) bool { return x == j })
	q.list.Remove(j.card.box)
	q.retitle()
	if len(q.jobs) == 0 {
		q.s.showQueue(false)
	}
}

// retitle names the list after where its restores go: one place, or
// "Restores" when they go to several.
func (q *queue) retitle() {
	title := ""
	for _, j := range q.jobs {
		if title != "" && j.to != title {
			q.title.SetText(lang.L("Restores"))
			return
		}
		title = j.to
	}
	if title == "" {
		title = lang.L("Restores")
	}
	q.title.SetText(title)
}

func (q *queue) clearFinished() {
	for _, j := range slices.Clone(q.jobs) {
		if j.state == finished {
			q.remove(j)
		}
	}
}

// jobCard shows one restore: what, a progress bar, how far or how it
// ended, and its buttons.
type jobCard struct {
	box                  *fyne.Container
	title                *widget.Label
	bar                  *widget.ProgressBar
	status, details      *widget.Label
	cancel, open, remove *widget.Button
}

func newJobCard(q *queue, j *job) *jobCard {
	c := &jobCard{title: widget.NewLabelWithStyle(j.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		bar: widget.NewProgressBar(), status: widget.NewLabel(lang.L("Waiting for the restore before it to finish")),
		details: widget.NewLabel("")}
	c.title.Truncation = fyne.TextTruncateEllipsis
	c.status.Wrapping, c.details.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	c.details.Hide()
	c.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { q.stop(j) })
	c.open = widget.NewButtonWithIcon(lang.L("Open folder"), theme.FolderOpenIcon(), func() { q.s.deps.OpenFolder(j.folder) })
	c.open.Hide()
	c.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { q.remove(j) })
	c.remove.Importance = widget.LowImportance
	c.remove.Hide()
	c.box = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(c.cancel, c.open, c.remove), c.title),
		c.bar, c.status, c.details, widget.NewSeparator())
	return c
}

func (c *jobCard) started() { c.status.SetText(lang.L("Starting…")) }

func (c *jobCard) progress(p restore.Progress) {
	if p.Bytes > 0 {
		c.bar.SetValue(float64(p.BytesDone) / float64(p.Bytes))
	} else if p.Files > 0 {
		c.bar.SetValue(float64(p.FilesDone) / float64(p.Files))
	}
	c.status.SetText(lang.N("Restoring: {{.Done}} of {{.Total}} files, {{.Bytes}} of {{.Size}}", int(p.Files),
		map[string]any{"Done": p.FilesDone, "Total": p.Files, "Bytes": words.Bytes(p.BytesDone), "Size": words.Bytes(p.Bytes)}))
}

func (c *jobCard) cancelling() {
	c.cancel.Disable()
	c.status.SetText(lang.L("Cancelling…"))
}

func (c *jobCard) finished(sm summary, canOpen bool) {
	c.cancel.Hide()
	c.remove.Show()
	c.open.Hidden = !canOpen
	c.bar.Hide()
	c.status.Importance = sm.imp
	c.status.SetText(sm.headline)
	c.details.Hidden = len(sm.details) == 0
	c.details.SetText(strings.Join(sm.details, "\n"))
	c.box.Refresh()
}
