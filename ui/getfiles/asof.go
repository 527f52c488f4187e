package getfiles

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/index"
)

// moment is the "as of" choice: the zero moment is the most recent backup;
// otherwise the backup as it was at the end of the day, minute or second
// the person wrote ("as of 14:30" includes what was backed up at 14:30:20).
type moment struct {
	start time.Time
	span  time.Duration // 24 h, a minute or a second
}

func (m moment) latest() bool { return m.start.IsZero() }

// at is the view's moment (Unix ns).
func (m moment) at() int64 {
	if m.latest() {
		return index.Latest
	}
	return m.start.Add(m.span).UnixNano() - 1
}

// String is the moment as the person wrote it, normalised.
func (m moment) String() string {
	switch m.span {
	case 24 * time.Hour:
		return m.start.Format("2006-01-02")
	case time.Second:
		return m.start.Format("2006-01-02 15:04:05")
	}
	return m.start.Format("2006-01-02 15:04")
}

var (
	errDateFormat = errors.New("date format")
	errTimeFormat = errors.New("time format")
)

// parseMoment reads a date (2026-11-25) and an optional time (14:30 or
// 14:30:05, 24-hour clock) in loc.
func parseMoment(date, clock string, loc *time.Location) (moment, error) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	var day time.Time
	var err error
	for _, layout := range []string{"2006-01-02", "2006-1-2"} {
		if day, err = time.ParseInLocation(layout, date, loc); err == nil {
			break
		}
	}
	if err != nil {
		return moment{}, errDateFormat
	}
	if clock == "" {
		return moment{start: day, span: 24 * time.Hour}, nil
	}
	for _, c := range []struct {
		layout string
		span   time.Duration
	}{{"15:04", time.Minute}, {"15:04:05", time.Second}} {
		if t, err := time.ParseInLocation("2006-01-02 "+c.layout, day.Format("2006-01-02 ")+clock, loc); err == nil {
			return moment{start: t, span: c.span}, nil
		}
	}
	return moment{}, errTimeFormat
}

// momentDialog asks "as of when".
type momentDialog struct {
	d           *dialog.CustomDialog
	choice      *widget.RadioGroup
	date, clock *widget.Entry
	problem     *widget.Label
	show        *widget.Button
}

// chooseMoment opens the "as of" dialog.
func (s *Screen) chooseMoment() {
	most, chosen := lang.L("The most recent backup"), lang.L("The backup as it was on:")
	md := &momentDialog{choice: widget.NewRadioGroup([]string{most, chosen}, nil),
		date: widget.NewEntry(), clock: widget.NewEntry(), problem: widget.NewLabel("")}
	md.choice.Required = true
	md.choice.SetSelected(most)
	start := s.deps.now()
	if !s.moment.latest() {
		md.choice.SetSelected(chosen)
		start = s.moment.start
		md.date.SetText(start.Format("2006-01-02"))
		if s.moment.span < 24*time.Hour {
			md.clock.SetText(strings.TrimPrefix(s.moment.String(), start.Format("2006-01-02 ")))
		}
	}
	md.date.SetPlaceHolder(lang.L("YYYY-MM-DD"))
	md.clock.SetPlaceHolder(lang.L("HH:MM"))
	pick := func(string) { md.choice.SetSelected(chosen) }
	md.date.OnChanged, md.clock.OnChanged = pick, pick
	cal := widget.NewCalendar(start, func(t time.Time) { md.date.SetText(t.Format("2006-01-02")) })
	md.problem.Importance = widget.DangerImportance
	md.problem.Wrapping = fyne.TextWrapWord
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Date")), md.date, widget.NewLabel(lang.L("Time")), md.clock)
	hint := widget.NewLabel(lang.L("Leave the time empty for the end of that day."))
	hint.TextStyle.Italic = true
	hint.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(md.choice, md.problem, nil, nil,
		container.NewGridWithColumns(2, cal, container.NewVBox(form, hint)))
	md.d = dialog.NewCustomWithoutButtons(lang.L("Show the backup as of"), content, s.w)
	md.show = widget.NewButton(lang.L("Show"), func() { s.applyMoment(md, md.choice.Selected == most) })
	md.show.Importance = widget.HighImportance
	md.d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), md.d.Hide), md.show})
	s.top.dialog = md
	md.d.Show()
}

// applyMoment checks what was typed: a mistake is said under the fields
// and the dialog stays open.
func (s *Screen) applyMoment(md *momentDialog, latest bool) {
	if latest {
		md.d.Hide()
		s.setMoment(moment{})
		return
	}
	m, err := parseMoment(md.date.Text, md.clock.Text, time.Local)
	switch {
	case errors.Is(err, errDateFormat):
		md.problem.SetText(lang.L("The date should be year-month-day, for example {{.Example}}.",
			map[string]any{"Example": s.deps.now().Format("2006-01-02")}))
		return
	case errors.Is(err, errTimeFormat):
		md.problem.SetText(lang.L("The time should be hours:minutes on a 24-hour clock, for example 14:30, or be left empty."))
		return
	}
	md.d.Hide()
	s.setMoment(m)
}
