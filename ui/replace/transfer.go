package replace

import (
	"context"
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/ui/words"
)

// maxShownErrors is how many files that could not be brought over are
// listed one by one; the rest are counted.
const maxShownErrors = 200

// transferPage is the fourth page: the files coming over, with progress,
// Cancel, and Continue after a stop.
type transferPage struct {
	s       *Screen
	st      config.ReplaceState
	bar     *widget.ProgressBar
	counts  *widget.Label
	current *widget.Label
	status  *widget.Label
	stopBtn *widget.Button
	goBtn   *widget.Button
	errList *fyne.Container
	errs    []engine.FileError
	cancel  context.CancelFunc // of the running transfer; nil when idle
}

// showTransfer opens the fourth page; start begins the transfer at once,
// otherwise (the wizard resumed) it waits for Continue.
func (s *Screen) showTransfer(st config.ReplaceState, start bool) {
	p := &transferPage{s: s, st: st, bar: widget.NewProgressBar(), counts: widget.NewLabel(""),
		current: widget.NewLabel(""), status: note(""), errList: container.NewVBox()}
	p.current.Truncation = fyne.TextTruncateEllipsis
	p.current.TextStyle.Italic = true
	p.stopBtn = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), p.stop)
	p.goBtn = widget.NewButtonWithIcon(lang.L("Continue the transfer"), theme.MediaPlayIcon(), p.start)
	p.goBtn.Importance = widget.HighImportance
	s.transfer = p
	top := container.NewVBox(note(lang.L("Cairn brings the old computer's files over from the backup. Files this computer has already are kept: one in the way is renamed, never overwritten.")),
		p.bar, container.NewBorder(nil, nil, nil, container.NewHBox(p.stopBtn, p.goBtn), p.counts),
		p.current, p.status)
	s.show(4, lang.L("Bringing the files over"),
		container.NewBorder(top, nil, nil, nil, container.NewVScroll(p.errList)),
		nav{back: p.back})
	if start {
		p.start()
		return
	}
	p.stopped(lang.L("The transfer was interrupted. Continue it: what is here already is not brought over again."),
		widget.MediumImportance)
}

func (p *transferPage) running() bool { return p.cancel != nil }

// start runs the transfer off the UI thread.
func (p *transferPage) start() {
	if p.running() {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.errs = nil
	p.errList.RemoveAll()
	p.status.Hide()
	p.goBtn.Hide()
	p.stopBtn.Show()
	p.counts.SetText(lang.L("Getting ready…"))
	p.current.SetText("")
	p.current.Hide()
	p.s.enableNav(false)
	eng, do := p.s.deps.Engine, p.s.deps.do
	prog, fails := &latest[restore.Progress]{}, &errQueue{}
	go func() {
		res, err := eng.Transfer(ctx, device.TransferOptions{
			Progress:  func(pr restore.Progress) { prog.post(pr, do, p.progress) },
			FileError: func(fe engine.FileError) { fails.add(fe, do, p.failed) },
		})
		do(func() {
			cancel()
			p.done(res, err)
		})
	}()
}

func (p *transferPage) stop() {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *transferPage) back() {
	if st := p.s.deps.Engine.Replacing(); st != nil && !p.running() {
		p.s.showChoose(*st)
	}
}

// progress shows how far the transfer is.
func (p *transferPage) progress(pr restore.Progress) {
	if !p.running() {
		return
	}
	if pr.Bytes > 0 {
		p.bar.SetValue(float64(pr.BytesDone) / float64(pr.Bytes))
	} else if pr.Files > 0 {
		p.bar.SetValue(float64(pr.FilesDone) / float64(pr.Files))
	}
	p.counts.SetText(lang.L("{{.Done}} of {{.Files}} files, {{.BytesDone}} of {{.Bytes}}",
		map[string]any{"Done": pr.FilesDone, "Files": pr.Files, "BytesDone": words.Bytes(pr.BytesDone),
			"Bytes": words.Bytes(pr.Bytes)}))
	p.current.SetText(shownPath(pr.Current))
	showIf(p.current, pr.Current != "")
}

// failed lists files that could not be brought over, as they come.
func (p *transferPage) failed(fes []engine.FileError) {
	if len(p.errs) == 0 && len(fes) > 0 {
		p.errList.Add(heading(lang.L("Could not be brought over (they stay in the backup):")))
	}
	for _, fe := range fes {
		p.errs = append(p.errs, fe)
		if len(p.errs) <= maxShownErrors {
			p.errList.Add(errorRow(fe))
		}
	}
}

func errorRow(fe engine.FileError) fyne.CanvasObject {
	l := note(lang.L("{{.Path}}: {{.Error}}", map[string]any{"Path": shownPath(fe.Path), "Error": words.Error(fe.Err)}))
	l.Importance = widget.DangerImportance
	return l
}

func (p *transferPage) done(res restore.Result, err error) {
	p.cancel = nil
	p.s.enableNav(true)
	p.stopBtn.Hide()
	switch {
	case errors.Is(err, context.Canceled):
		p.stopped(lang.L("Stopped. What was brought over stays on this computer; Continue the transfer picks up where it stopped. You can also close Cairn and continue later."),
			widget.MediumImportance)
	case err != nil:
		p.stopped(lang.L("The transfer stopped: {{.Error}}", map[string]any{"Error": problem(err)}), widget.DangerImportance)
	default:
		if st := p.s.deps.Engine.Replacing(); st != nil {
			p.st = *st
		}
		p.s.showSummary(p.st, res)
	}
}

func (p *transferPage) stopped(why string, imp widget.Importance) {
	p.status.Importance = imp
	p.status.SetText(why)
	p.status.Show()
	p.goBtn.Show()
	p.stopBtn.Hide()
	p.current.SetText("")
	p.current.Hide()
	if p.bar.Value == 0 {
		p.counts.SetText("")
	}
}

// latest hands the newest of a stream of values to the UI thread, without
// queueing more than one update at a time: when the UI is slow, values in
// between are skipped (progress is throttled to what the UI can show).
type latest[T any] struct {
	mu      sync.Mutex
	v       T
	pending bool
}

func (l *latest[T]) post(v T, do func(func()), apply func(T)) {
	l.mu.Lock()
	l.v = v
	if l.pending {
		l.mu.Unlock()
		return
	}
	l.pending = true
	l.mu.Unlock()
	do(func() {
		l.mu.Lock()
		v := l.v
		l.pending = false
		l.mu.Unlock()
		apply(v)
	})
}

// errQueue hands files that could not be brought over to the UI thread in
// batches, one update queued at a time.
type errQueue struct {
	mu     sync.Mutex
	fes    []engine.FileError
	posted bool
}

func (q *errQueue) add(fe engine.FileError, do func(func()), apply func([]engine.FileError)) {
	q.mu.Lock()
	q.fes = append(q.fes, fe)
	if q.posted {
		q.mu.Unlock()
		return
	}
	q.posted = true
	q.mu.Unlock()
	do(func() {
		q.mu.Lock()
		fes := q.fes
		q.fes, q.posted = nil, false
		q.mu.Unlock()
		apply(fes)
	})
}
