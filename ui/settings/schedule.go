package settings

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/words"
)

// schedule is when Cairn works by itself: whether it watches files, how
// often it backs up otherwise, and when the daily scan of everything
// selected runs (with a way to run it now).
type schedule struct {
	watch    *widget.Check
	every    *widget.Select
	choices  []frequency
	verify   *widget.Entry
	scanNow  *widget.Button // nil without Deps.ScanNow
	scanning *widget.Label  // says the scan started
	problem  *widget.Label
	card     *widget.Card
}

// frequency is one choice of how often to back up.
type frequency struct {
	label string
	every time.Duration
}

// frequencies are the usual choices; a value set otherwise (in the config
// file) is shown as an extra one.
func frequencies() []frequency {
	return []frequency{
		{lang.L("Every 15 minutes (default)"), 15 * time.Minute},
		{lang.L("Every 30 minutes"), 30 * time.Minute},
		{lang.L("Every hour"), time.Hour},
		{lang.L("Every 4 hours"), 4 * time.Hour},
		{lang.L("Once a day"), 24 * time.Hour},
	}
}

// newSchedule returns the Backups card; scanNow (nil: no button) starts a
// scan of everything selected at once.
func newSchedule(changed, scanNow func()) *schedule {
	s := &schedule{verify: widget.NewEntry(), problem: problemLabel(), scanning: note("")}
	s.scanning.Importance = widget.SuccessImportance
	s.scanning.Hide()
	s.watch = widget.NewCheck(lang.L("Watch files and back up changes within seconds"), func(bool) { changed() })
	s.every = widget.NewSelect(nil, func(string) { changed() })
	s.verify.SetPlaceHolder("03:00")
	s.verify.OnChanged = func(string) { changed() }
	scan := fyne.CanvasObject(container.NewGridWrap(fyne.NewSize(80, s.verify.MinSize().Height), s.verify))
	if scanNow != nil {
		s.scanNow = widget.NewButtonWithIcon(lang.L("Scan now"), theme.SearchIcon(), func() {
			scanNow()
			s.scanning.SetText(lang.L("Cairn is scanning everything selected now; Home shows how far it is."))
			s.scanning.Show()
		})
		scan = container.NewHBox(scan, s.scanNow)
	}
	// Too long for a form's hint, which does not wrap.
	scan = container.NewVBox(scan, hint(lang.L("Every day at this time (HH:MM) Cairn scans everything selected, so nothing a watcher missed stays unprotected; a computer asleep then scans soon after it wakes.")))
	form := widget.NewForm(
		&widget.FormItem{Text: lang.L("Watching"), Widget: s.watch,
			HintText: lang.L("When this is off, Cairn looks for changes as often as Back up says.")},
		widget.NewFormItem(lang.L("Back up"), s.every),
		widget.NewFormItem(lang.L("Daily scan"), scan))
	s.card = widget.NewCard(lang.L("Backups"), "", container.NewVBox(form, s.scanning, s.problem))
	return s
}

func (s *schedule) load(st device.Settings) {
	s.choices = frequencies()
	found := false
	for _, c := range s.choices {
		found = found || c.every == st.BackupEvery
	}
	if !found {
		s.choices = append(s.choices, frequency{lang.L("Every {{.Duration}}",
			map[string]any{"Duration": words.Duration(st.BackupEvery)}), st.BackupEvery})
	}
	labels, selected := make([]string, len(s.choices)), ""
	for i, c := range s.choices {
		labels[i] = c.label
		if c.every == st.BackupEvery {
			selected = c.label
		}
	}
	s.every.SetOptions(labels)
	s.every.SetSelected(selected)
	s.verify.SetText(st.VerifyAt)
	s.watch.SetChecked(st.Watch)
	setProblem(s.problem, "")
}

// read puts the fields into st, or says what is wrong with them.
func (s *schedule) read(st *device.Settings) bool {
	for _, c := range s.choices {
		if c.label == s.every.Selected {
			st.BackupEvery = c.every
		}
	}
	st.Watch = s.watch.Checked
	at, ok := clockTime(s.verify.Text)
	if !ok {
		setProblem(s.problem, lang.L("Type the time of the daily scan as hours and minutes, like 03:00."))
		return false
	}
	st.VerifyAt = at
	setProblem(s.problem, "")
	return true
}

// clockTime reads "3:05" or "03:05" as "03:05".
func clockTime(typed string) (string, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(typed))
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()), true
}
