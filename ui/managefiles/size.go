package managefiles

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/words"
)

// countDelay is how long the size waits after a change before counting,
// so that a few quick taps start one count, not one each.
const countDelay = 400 * time.Millisecond

// sizeLine shows how much the selection holds. It counts in the
// background, starting again (and stopping the count under way) after
// every change; the person can stop a count. Its fields belong to the UI
// thread (and Screen.mu).
type sizeLine struct {
	s      *Screen
	label  *widget.Label
	button *widget.Button // stops a count, or starts one that was stopped
	obj    fyne.CanvasObject

	gen     int // counts started, so that late results of an old one are dropped
	timer   *time.Timer
	cancel  context.CancelFunc // set while a count runs
	counted bool               // the label shows a finished count
}

func newSizeLine(s *Screen) *sizeLine {
	z := &sizeLine{s: s, label: widget.NewLabel("")}
	z.label.Truncation = fyne.TextTruncateEllipsis
	z.button = widget.NewButton("", z.tapped)
	z.obj = container.NewBorder(nil, nil, nil, z.button, z.label)
	return z
}

// schedule counts again after delay.
func (z *sizeLine) schedule(delay time.Duration) {
	z.stop()
	z.gen++
	gen := z.gen
	z.show(lang.L("Counting what is selected…"), lang.L("Stop counting"))
	z.s.wg.Add(1)
	z.timer = time.AfterFunc(delay, func() {
		defer z.s.wg.Done()
		z.s.do(func() {
			if gen == z.gen {
				z.start(gen)
			}
		})
	})
}

// stop stops a count that is waiting or under way.
func (z *sizeLine) stop() {
	if z.timer != nil && z.timer.Stop() {
		z.s.wg.Done()
	}
	z.timer = nil
	if z.cancel != nil {
		z.cancel()
		z.cancel = nil
	}
}

func (z *sizeLine) tapped() {
	if z.cancel != nil || z.timer != nil {
		z.stop()
		z.gen++
		z.show(lang.L("Counting stopped. The selection is as it was; only its size is not shown."), lang.L("Count"))
		return
	}
	z.schedule(0)
}

// start counts the selection on screen: the engine counts a saved one,
// this package one with unsaved changes.
func (z *sizeLine) start(gen int) {
	z.timer = nil
	v, saved := z.s.view, !z.s.dirty()
	if len(v.sel.Roots()) == 0 {
		z.show(lang.L("Nothing is selected: check a folder to back it up."), "")
		return
	}
	ctx, cancel := context.WithCancel(z.s.ctx)
	z.cancel = cancel
	progress := func(e device.Estimate) { z.s.do(func() { z.progress(gen, e) }) }
	z.s.background(func() func() {
		var e device.Estimate
		var err error
		if saved {
			e, err = z.s.deps.Engine.EstimateSelection(ctx, progress)
		} else {
			e, err = estimate(ctx, v, progress)
		}
		return func() { z.done(gen, e, err) }
	})
}

func (z *sizeLine) progress(gen int, e device.Estimate) {
	if gen == z.gen && z.cancel != nil {
		z.show(lang.L("Counting… {{.Files}}, {{.Size}} so far",
			map[string]any{"Files": fileCount(e.Files), "Size": words.Bytes(e.Bytes)}), lang.L("Stop counting"))
	}
}

func (z *sizeLine) done(gen int, e device.Estimate, err error) {
	if gen != z.gen {
		return
	}
	z.cancel = nil
	switch {
	case errors.Is(err, context.Canceled):
		return
	case err != nil:
		z.show(lang.L("The size could not be counted: {{.Error}}", map[string]any{"Error": words.Error(err)}), lang.L("Count again"))
		return
	}
	z.show(lang.L("Selected: {{.Files}}, {{.Size}}",
		map[string]any{"Files": fileCount(e.Files), "Size": words.Bytes(e.Bytes)}), "")
	z.counted = true
}

// show sets the line's text and its button ("" hides the button).
func (z *sizeLine) show(text, button string) {
	z.counted = false
	z.label.SetText(text)
	z.button.SetText(button)
	z.button.Hidden = button == ""
	z.obj.Refresh()
}

// fileCount is "1 file", "12 files". It calls lang.N itself, not
// words.Count, so that the key is a literal that go generate ./i18n finds
// (and en.json gives its "one" form).
func fileCount(n int64) string {
	return lang.N("{{.Count}} files", int(n), map[string]any{"Count": n})
}
