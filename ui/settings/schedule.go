package settings

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/words"
)

// schedule is when Cairn works by itself: how often it backs up, and when
// the daily verification scan runs.
type schedule struct {
	every   *widget.Select
	choices []frequency
	verify  *widget.Entry
	problem *widget.Label
	card    *widget.Card
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

func newSchedule(changed func()) *schedule {
	s := &schedule{verify: widget.NewEntry(), problem: problemLabel()}
	s.every = widget.NewSelect(nil, func(string) { changed() })
	s.verify.SetPlaceHolder("03:00")
	s.verify.OnChanged = func(string) { changed() }
	form := widget.NewForm(widget.NewFormItem(lang.L("Back up"), s.every),
		&widget.FormItem{Text: lang.L("Verification scan"), Widget: s.verify,
			HintText: lang.L("Every day at this time (HH:MM), Cairn reads the backup to check that it is whole.")})
	s.card = widget.NewCard(lang.L("Backups"), "", container.NewVBox(form, s.problem))
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
	setProblem(s.problem, "")
}

// read puts the fields into st, or says what is wrong with them.
func (s *schedule) read(st *device.Settings) bool {
	for _, c := range s.choices {
		if c.label == s.every.Selected {
			st.BackupEvery = c.every
		}
	}
	at, ok := clockTime(s.verify.Text)
	if !ok {
		setProblem(s.problem, lang.L("Type the time of the verification scan as hours and minutes, like 03:00."))
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
