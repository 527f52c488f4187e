package destform

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/words"
)

// Form is one way of adding a destination: its fields, the problem of the
// last try in words, and, while the engine works, a progress line with a
// Cancel button. It has no submit button: the host calls Submit (from its
// own button, a wizard's Next, or ShowDialog's Add).
type Form struct {
	// OnBusy, when set, is told when work starts and ends (on the UI
	// thread), so a host can disable its own buttons meanwhile.
	OnBusy func(busy bool)

	w       fyne.Window
	deps    Deps
	onAdded OnAdded
	submit  string  // the submit button's words ("Sign in", "Add")
	width   float32 // of a dialog that fits the fields
	height  float32

	// prepare checks the fields and returns the work to run, or false
	// after showing what is wrong.
	prepare func() (job, bool)
	folder  *folderFields // of a folder form, for SetFolder
	server  *serverFields // of a server form

	content  *fyne.Container
	scroll   *container.Scroll // around content: the form's Object
	problem  *widget.Label
	busyRow  *fyne.Container
	busyText *widget.Label
	activity *widget.Activity
	cancel   context.CancelFunc // of the running job; nil when idle
	explain  func(error) string // of the running job; nil when idle
}

// job is one try at adding a destination.
type job struct {
	doing string // "Signing in…"
	run   func(ctx context.Context) (name string, res device.AddResult, err error)
	// explain, when set, says what went wrong in the words of this try
	// (which key option was chosen), or "" to leave it to problem.
	explain func(error) string
	// then, when set, runs on the UI thread after a try that added
	// nothing succeeded (asking the server how to sign in), instead of
	// the form's OnAdded.
	then func()
}

func newForm(w fyne.Window, d Deps, onAdded OnAdded, submit string, fields ...fyne.CanvasObject) *Form {
	f := &Form{w: w, deps: d, onAdded: onAdded, submit: submit, width: 620}
	f.problem = widget.NewLabel("")
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()
	f.busyText = widget.NewLabel("")
	f.activity = widget.NewActivity()
	stop := widget.NewButton(lang.L("Cancel"), f.Cancel)
	f.busyRow = container.NewBorder(nil, nil, f.activity, stop, f.busyText)
	f.busyRow.Hide()
	f.content = container.NewVBox(append(fields, f.problem, f.busyRow)...)
	f.scroll = container.NewVScroll(f.content)
	return f
}

// Object is the form, to place in a page or a dialog. It scrolls when the
// space is too small.
func (f *Form) Object() fyne.CanvasObject { return f.scroll }

// relayout lays the form out again after parts appeared or went.
func (f *Form) relayout() { f.scroll.Refresh() }

// SubmitText is what the host's submit button should say: "Sign in" or
// "Add".
func (f *Form) SubmitText() string { return f.submit }

// Busy says whether the engine is working on a try.
func (f *Form) Busy() bool { return f.cancel != nil }

// Submit checks the fields and, when they are right, starts adding the
// destination off the UI thread. Nothing happens while a try runs.
func (f *Form) Submit() {
	if f.Busy() {
		return
	}
	if j, ok := f.prepare(); ok {
		f.start(j)
	}
}

// start runs a try off the UI thread.
func (f *Form) start(j job) {
	f.showProblem("")
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.explain = cancel, j.explain
	f.setBusy(j.doing)
	go func() {
		name, res, err := j.run(ctx)
		f.deps.do(func() { f.finish(name, res, err, j.then) })
	}()
}

// Cancel stops a running try; the engine leaves nothing half added.
func (f *Form) Cancel() {
	if f.cancel != nil {
		f.cancel()
	}
}

func (f *Form) finish(name string, res device.AddResult, err error, then func()) {
	f.cancel()
	explain := f.explain
	f.cancel, f.explain = nil, nil
	f.setBusy("")
	if err != nil {
		text := ""
		if explain != nil {
			text = explain(err)
		}
		if text == "" {
			text = problem(err)
		}
		f.showProblem(text)
		return
	}
	if then != nil {
		then()
		return
	}
	if f.onAdded != nil {
		f.onAdded(name, res)
	}
}

func (f *Form) setBusy(doing string) {
	busy := doing != ""
	f.busyText.SetText(doing)
	if busy {
		f.busyRow.Show()
		f.activity.Start()
	} else {
		f.activity.Stop()
		f.busyRow.Hide()
	}
	f.relayout()
	if f.OnBusy != nil {
		f.OnBusy(busy)
	}
}

// showProblem shows (or with "" hides) what went wrong, below the fields.
func (f *Form) showProblem(text string) {
	f.problem.SetText(text)
	f.problem.Hidden = text == ""
	f.relayout()
}

// Problem is the problem shown, "" when none (for tests and hosts).
func (f *Form) Problem() string {
	if f.problem.Hidden {
		return ""
	}
	return f.problem.Text
}

// problem says what went wrong and what to do, in words.
func problem(err error) string {
	switch {
	case errors.Is(err, device.ErrExists):
		return lang.L("A destination with this name exists already. Choose another name.")
	case errors.Is(err, device.ErrNotTrusted):
		return lang.L("You did not trust the server's certificate, so nothing was changed. Ask your IT department for the server's fingerprint and type it in.")
	}
	return words.Error(err)
}
