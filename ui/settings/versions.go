package settings

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/retention"
	"github.com/cairnbackup/cairn/ui/words"
)

const day = 24 * time.Hour

// versions edits the retention policy in words: how many versions are kept
// for how long, and how long deleted files stay. The widths of the tiers
// are shown, not edited; the ages are.
type versions struct {
	changed func()
	policy  retention.Policy // as loaded: the widths come from it
	ages    []*widget.Entry  // one per tier, in days
	deleted *widget.Entry
	holder  *fyne.Container // the form, rebuilt for each policy
	problem *widget.Label
	card    *widget.Card
}

func newVersions(changed, relayout func()) *versions {
	v := &versions{changed: changed, holder: container.NewStack(), problem: problemLabel()}
	defaults := widget.NewButton(lang.L("Restore defaults"), func() {
		v.load(retention.Default())
		v.changed()
		relayout()
	})
	v.card = widget.NewCard(lang.L("Versions kept"), lang.L("Cairn keeps earlier versions of your files, fewer as they get older."),
		container.NewVBox(v.holder, v.problem, container.NewHBox(defaults)))
	return v
}

func (v *versions) load(p retention.Policy) {
	v.policy = p
	v.ages = nil
	form := widget.NewForm()
	for _, t := range p.Tiers {
		e := v.dayEntry(time.Duration(t.Within))
		v.ages = append(v.ages, e)
		form.Append(widthWords(t.Every), inline(lang.L("for versions up to"), e, lang.L("days old")))
	}
	form.Append(widthWords(p.Older), widget.NewLabel(lang.L("for older versions, as long as the file exists")))
	v.deleted = v.dayEntry(time.Duration(p.DeletedKeep))
	form.Append(lang.L("Deleted files"), inline(lang.L("kept for"), v.deleted, lang.L("days after they are deleted")))
	v.holder.Objects = []fyne.CanvasObject{form}
	v.holder.Refresh()
	setProblem(v.problem, "")
}

func (v *versions) dayEntry(d time.Duration) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.FormatFloat(d.Hours()/24, 'f', -1, 64))
	e.OnChanged = func(string) { v.changed() }
	return e
}

// read puts the policy into st, or says what is wrong with it.
func (v *versions) read(st *device.Settings) bool {
	p, err := v.policyTyped()
	if err == nil {
		err = p.Validate()
		if err != nil {
			err = errors.New(lang.L("These versions cannot be kept this way: {{.Why}}", map[string]any{"Why": words.Error(err)}))
		}
	}
	if err != nil {
		setProblem(v.problem, err.Error())
		return false
	}
	setProblem(v.problem, "")
	st.Retention = p
	return true
}

// policyTyped is the loaded policy with the ages typed.
func (v *versions) policyTyped() (retention.Policy, error) {
	p := v.policy
	p.Tiers = append([]retention.Tier(nil), v.policy.Tiers...)
	var prev time.Duration
	for i, e := range v.ages {
		d, ok := days(e.Text)
		if !ok {
			return p, errors.New(lang.L("Type the ages as a number of days, like 90."))
		}
		if d <= prev {
			return p, errors.New(lang.L("Each age must be more than the one above it."))
		}
		p.Tiers[i].Within, prev = retention.Duration(d), d
	}
	d, ok := days(v.deleted.Text)
	if !ok {
		return p, errors.New(lang.L("Type how long deleted files are kept as a number of days, like 90."))
	}
	p.DeletedKeep = retention.Duration(d)
	return p, nil
}

// days reads a positive number of days ("7", "1.5", "1,5").
func days(typed string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(typed), ",", "."), 64)
	if err != nil || f <= 0 || f > 100*365 {
		return 0, false
	}
	return time.Duration(f * float64(day)).Round(time.Minute), true
}

// widthWords says how many versions a tier keeps: "One version a day".
func widthWords(w retention.Width) string {
	switch time.Duration(w) {
	case time.Duration(retention.KeepAll):
		return lang.L("Every version")
	case time.Duration(retention.Month):
		return lang.L("One version a month")
	case time.Hour:
		return lang.L("One version an hour")
	case day:
		return lang.L("One version a day")
	case 7 * day:
		return lang.L("One version a week")
	}
	if d := time.Duration(w); d < time.Hour && d%time.Minute == 0 {
		n := int(d / time.Minute)
		return lang.N("One version every {{.Count}} minutes", n, map[string]any{"Count": n})
	}
	return lang.L("One version every {{.Duration}}", map[string]any{"Duration": words.Duration(time.Duration(w))})
}

// inline is a sentence with an entry in it: "kept for [90] days".
func inline(before string, e *widget.Entry, after string) fyne.CanvasObject {
	box := container.NewGridWrap(fyne.NewSize(80, e.MinSize().Height), e)
	return container.NewHBox(widget.NewLabel(before), box, widget.NewLabel(after))
}
