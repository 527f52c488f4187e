package settings

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/words"
)

// Screen is the Settings screen.
type Screen struct {
	w    fyne.Window
	deps Deps

	dests    *destinations
	schedule *schedule
	throttle *throttling
	versions *versions
	other    *other

	status       *widget.Label // below everything: saved, or why not
	save, revert *widget.Button
	content      fyne.CanvasObject

	loading bool // fields are being filled from the engine, not by the person
	dirty   bool // the person changed something not saved yet
	saving  bool
}

// New returns the Settings screen, filled from the engine.
func New(w fyne.Window, d Deps) *Screen {
	s := &Screen{w: w, deps: d}
	s.dests = newDestinations(s)
	s.schedule = newSchedule(s.changed, d.ScanNow)
	s.throttle = newThrottling(s.changed)
	s.versions = newVersions(s.changed, s.relayout)
	s.other = newOther(s.changed)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.save = widget.NewButton(lang.L("Save"), s.Save)
	s.save.Importance = widget.HighImportance
	s.revert = widget.NewButton(lang.L("Revert"), s.load)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(s.revert, s.save), s.status)
	body := container.NewVBox(s.dests.card, s.schedule.card, s.throttle.card, s.versions.card, s.other.card)
	s.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bar), nil, nil,
		container.NewVScroll(body))
	s.load()
	s.dests.reload()
	return s
}

// Object is the screen's content.
func (s *Screen) Object() fyne.CanvasObject { return s.content }

// Shown reads the destinations again, and the settings too unless the
// person has changes not saved yet.
func (s *Screen) Shown() {
	s.dests.reload()
	if !s.dirty && !s.saving {
		s.load()
	}
}

// load fills the fields with the settings in effect (Revert).
func (s *Screen) load() {
	st := s.deps.Engine.Settings()
	s.loading = true
	s.schedule.load(st)
	s.throttle.load(st.Throttle)
	s.versions.load(st.Retention)
	s.other.load(st)
	s.loading = false
	s.dirty = false
	s.showStatus("", widget.MediumImportance)
	s.relayout()
}

// relayout lays the whole screen out again after parts appeared or went:
// Fyne redoes the layout of a container whose contents' sizes change, but
// not reliably of its parents when several change at once.
func (s *Screen) relayout() {
	if s.content != nil {
		s.content.Refresh()
	}
}

// changed notes an edit by the person.
func (s *Screen) changed() {
	if s.loading {
		return
	}
	s.dirty = true
	s.showStatus("", widget.MediumImportance)
}

// Save checks every field and, when all are right, saves them off the UI
// thread; otherwise nothing is saved and each wrong field says why.
func (s *Screen) Save() {
	if s.saving {
		return
	}
	st := s.deps.Engine.Settings()
	ok := s.schedule.read(&st)
	ok = s.throttle.read(&st) && ok
	ok = s.versions.read(&st) && ok
	s.other.read(&st)
	if !ok {
		s.showStatus(lang.L("Nothing was saved: correct what is marked above."), widget.DangerImportance)
		s.relayout()
		return
	}
	s.saving = true
	s.save.Disable()
	go func(st device.Settings) {
		err := s.deps.Engine.SetSettings(st)
		s.deps.do(func() { s.saved(err) })
	}(st)
}

func (s *Screen) saved(err error) {
	s.saving = false
	s.save.Enable()
	if err != nil {
		s.showStatus(lang.L("Nothing was saved: {{.Why}}", map[string]any{"Why": words.Error(err)}), widget.DangerImportance)
		return
	}
	s.dirty = false
	s.showStatus(lang.L("Saved."), widget.SuccessImportance)
	if s.deps.Saved != nil {
		s.deps.Saved()
	}
	s.relayout()
}

func (s *Screen) showStatus(text string, imp widget.Importance) {
	s.status.Importance = imp
	s.status.SetText(text)
}

// problemLabel is an inline error under a field, hidden while empty.
func problemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setProblem shows text in l, or hides l for "".
func setProblem(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// hint is a wrapped explanation under a field, as a form item's HintText
// looks, for one too long for it (HintText does not wrap).
func hint(text string) *widget.RichText {
	r := widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyle{
		ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText}})
	r.Wrapping = fyne.TextWrapWord
	return r
}

// note is a wrapped explanation.
func note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
