package replace

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
)

// steps is how many pages the wizard has.
const steps = 5

// Screen is the replace-device wizard. Its fields belong to the UI thread.
type Screen struct {
	w    fyne.Window
	deps Deps

	step     int
	title    *widget.Label
	stepText *widget.Label
	body     *fyne.Container
	root     fyne.CanvasObject

	// The line that says what the engine is doing, with its Cancel.
	busyRow  *fyne.Container
	busyText *widget.Label
	activity *widget.Activity
	stopBtn  *widget.Button
	job      context.CancelFunc // of the running work; nil when idle

	cancelBtn, backBtn, nextBtn *widget.Button
	nav                         nav

	where    *wherePage
	pick     *pickPage
	choose   *choosePage
	transfer *transferPage
	summary  *summaryPage
}

// nav is what the buttons under a page do.
type nav struct {
	back     func() // nil: no Back
	next     func() // nil: no Next
	nextText string // "": Next
	cancel   bool   // the page can be left (before the adoption)
}

// New builds the wizard over d.Engine and opens it where the engine says
// the person left it: the first page, what to bring over (the old
// computer's backup was taken over), or the transfer (it was started).
func New(w fyne.Window, d Deps) *Screen {
	s := &Screen{w: w, deps: d}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Wrapping = fyne.TextWrapWord
	s.stepText = widget.NewLabel("")
	s.body = container.NewStack()
	s.busyText = widget.NewLabel("")
	s.busyText.Wrapping = fyne.TextWrapWord
	s.activity = widget.NewActivity()
	s.stopBtn = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), s.stop)
	s.busyRow = container.NewBorder(nil, nil, s.activity, s.stopBtn, s.busyText)
	s.busyRow.Hide()
	s.cancelBtn = widget.NewButton(lang.L("Cancel"), s.leave)
	s.backBtn = widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() { s.nav.back() })
	s.nextBtn = widget.NewButton("", func() { s.nav.next() })
	s.nextBtn.Importance = widget.HighImportance
	header := container.NewBorder(nil, nil, nil, s.stepText, s.title)
	footer := container.NewVBox(s.busyRow, widget.NewSeparator(),
		container.NewBorder(nil, nil, s.cancelBtn, container.NewHBox(s.backBtn, s.nextBtn)))
	s.root = container.NewPadded(container.NewBorder(container.NewVBox(header, widget.NewSeparator()), footer,
		nil, nil, s.body))
	s.where = newWherePage(s)
	s.resume()
	return s
}

// Object is the wizard, to fill a window.
func (s *Screen) Object() fyne.CanvasObject { return s.root }

// Shown reads where the engine says the wizard is, in case it moved on
// while the screen was away; what was typed is kept otherwise.
func (s *Screen) Shown() {
	if s.job != nil {
		return
	}
	st := s.deps.Engine.Replacing()
	switch {
	case st == nil && s.step <= 2:
		return // before the adoption: keep what was typed
	case st != nil && st.Step == config.ReplaceChoose && s.step == 3:
		return
	case st != nil && st.Step == config.ReplaceTransfer && s.step >= 4:
		return
	}
	s.resume()
}

// resume opens the page the engine's state calls for.
func (s *Screen) resume() {
	st := s.deps.Engine.Replacing()
	switch {
	case st == nil:
		s.where.show()
	case st.Step == config.ReplaceTransfer:
		s.showTransfer(*st, false)
	default:
		s.showChoose(*st)
	}
}

// show puts a page in the wizard.
func (s *Screen) show(step int, title string, content fyne.CanvasObject, n nav) {
	s.step = step
	s.title.SetText(title)
	s.stepText.SetText(lang.L("Step {{.Step}} of {{.Steps}}", map[string]any{"Step": step, "Steps": steps}))
	s.body.Objects = []fyne.CanvasObject{content}
	s.body.Refresh()
	s.setNav(n)
}

func (s *Screen) setNav(n nav) {
	s.nav = n
	showIf(s.backBtn, n.back != nil)
	showIf(s.nextBtn, n.next != nil)
	s.nextBtn.SetText(n.nextText)
	if n.nextText == "" {
		s.nextBtn.SetText(lang.L("Next"))
	}
	s.enableNav(s.job == nil)
}

func (s *Screen) enableNav(on bool) {
	showIf(s.cancelBtn, on && s.nav.cancel && s.deps.OnCancel != nil)
	for _, b := range []*widget.Button{s.backBtn, s.nextBtn} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// run does work off the UI thread, showing doing with a Cancel button
// meanwhile; the function work returns is then run on the UI thread.
// work must not touch widgets: it gets copies of what it needs.
func (s *Screen) run(doing string, work func(ctx context.Context) (then func())) {
	if s.job != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.job = cancel
	s.busyText.SetText(doing)
	s.busyRow.Show()
	s.activity.Start()
	s.enableNav(false)
	go func() {
		then := work(ctx)
		s.deps.do(func() {
			cancel()
			s.job = nil
			s.activity.Stop()
			s.busyRow.Hide()
			s.enableNav(true)
			then()
		})
	}()
}

// stop cancels the running work.
func (s *Screen) stop() {
	if s.job != nil {
		s.job()
	}
}

// Busy says whether the engine is working for the wizard.
func (s *Screen) Busy() bool { return s.job != nil || (s.transfer != nil && s.transfer.running()) }

// leave closes the wizard before the adoption: nothing was changed.
func (s *Screen) leave() {
	s.stop()
	if s.deps.OnCancel != nil {
		s.deps.OnCancel()
	}
}

// note is a label that wraps, for explanations.
func note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// problemLabel is where a page says what went wrong and what to do.
func problemLabel() *widget.Label {
	l := note("")
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setProblem shows text in l, or hides l for "".
func setProblem(l *widget.Label, text string) {
	l.SetText(text)
	showIf(l, text != "")
}

// heading is a bold line above a group of choices.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// showIf shows or hides o.
func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}
