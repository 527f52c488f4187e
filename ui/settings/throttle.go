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
	"github.com/cairnbackup/cairn/engine/throttle"
	"github.com/cairnbackup/cairn/ui/words"
)

// throttling is how backups hold back so the person does not notice them:
// the upload limits while present and away, what counts as away, the
// processor's share, the battery level and the hours.
type throttling struct {
	present, away *rateField
	awayAfter     *widget.Entry // minutes
	cpu           *percentSelect
	battery       *widget.Check
	level         *percentSelect
	window        *widget.Check
	from, to      *widget.Entry
	days          [7]*widget.Check // Monday first, as weekdays below
	problem       *widget.Label
	card          *widget.Card
}

// weekdays are the days of the week as the screen lists them.
var weekdays = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday,
	time.Saturday, time.Sunday}

func newThrottling(changed func()) *throttling {
	t := &throttling{present: newRateField(changed), away: newRateField(changed), awayAfter: widget.NewEntry(),
		from: widget.NewEntry(), to: widget.NewEntry(), problem: problemLabel()}
	t.awayAfter.OnChanged = func(string) { changed() }
	t.cpu = newPercentSelect([]int{25, 50, 75, 100}, throttle.DefaultCPUPercent, changed)
	t.level = newPercentSelect([]int{10, 20, 30, 50}, 0, changed)
	t.battery = widget.NewCheck(lang.L("Wait below"), func(on bool) {
		enable(on, t.level.sel)
		changed()
	})
	cpu := container.NewHBox(container.NewGridWrap(fyne.NewSize(170, t.cpu.sel.MinSize().Height), t.cpu.sel),
		widget.NewLabel(lang.L("for backups while you work")))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("While you work"), t.present.box),
		widget.NewFormItem(lang.L("While you are away"), t.away.box),
		widget.NewFormItem(lang.L("Away means"), inline(lang.L("no keyboard or mouse for"), t.awayAfter, lang.L("minutes"))),
		&widget.FormItem{Text: lang.L("Processor"), Widget: cpu,
			HintText: lang.L("While you are away they use all of it, unless the computer is on battery.")},
		widget.NewFormItem(lang.L("On battery"), container.NewHBox(t.battery, t.level.sel)),
		&widget.FormItem{Text: lang.L("Hours"), Widget: t.newWindow(changed),
			HintText: lang.L("A window that ends before it starts runs overnight, like 22:00 to 06:00.")})
	t.card = widget.NewCard(lang.L("Keeping the computer quick"),
		lang.L("Backups hold back so that you do not notice them."), container.NewVBox(form, t.problem))
	return t
}

// newWindow is "[✓] Back up only between [22:00] and [06:00] on [✓] Mon …".
func (t *throttling) newWindow(changed func()) fyne.CanvasObject {
	t.window = widget.NewCheck(lang.L("Back up only between"), func(on bool) {
		t.enableWindow(on)
		changed()
	})
	for _, e := range []*widget.Entry{t.from, t.to} {
		e.OnChanged = func(string) { changed() }
	}
	t.from.SetPlaceHolder("22:00")
	t.to.SetPlaceHolder("06:00")
	clock := func(e *widget.Entry) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(70, e.MinSize().Height), e)
	}
	// The days flow onto a second row when the window is narrow.
	var cell fyne.Size
	for i, d := range weekdays {
		t.days[i] = widget.NewCheck(dayName(d), func(bool) { changed() })
		cell = cell.Max(t.days[i].MinSize())
	}
	days := container.NewGridWrap(cell)
	for _, c := range t.days {
		days.Add(c)
	}
	hours := container.NewHBox(t.window, clock(t.from), widget.NewLabel(lang.L("and")), clock(t.to))
	return container.NewVBox(hours, container.NewBorder(nil, nil, widget.NewLabel(lang.L("on")), nil, days))
}

func (t *throttling) enableWindow(on bool) {
	enable(on, t.from, t.to)
	for _, c := range t.days {
		enable(on, c)
	}
}

func (t *throttling) load(p throttle.Policy) {
	t.present.load(p.PresentKBps)
	t.away.load(p.AwayKBps)
	away, cpu := p.AwayAfter, p.CPUPercent
	if away == 0 {
		away = throttle.DefaultAwayAfter
	}
	if cpu == 0 {
		cpu = throttle.DefaultCPUPercent
	}
	t.awayAfter.SetText(strconv.Itoa(int(max(away.Round(time.Minute), time.Minute) / time.Minute)))
	t.cpu.load(cpu)
	t.battery.SetChecked(p.MinBattery > 0)
	level := p.MinBattery
	if level == 0 {
		level = throttle.DefaultMinBattery // offered when the box is ticked
	}
	t.level.load(level)
	enable(p.MinBattery > 0, t.level.sel)
	t.loadWindow(p.Window)
	setProblem(t.problem, "")
}

// loadWindow shows w, or, for none, a night on every day to offer.
func (t *throttling) loadWindow(w *throttle.Window) {
	t.window.SetChecked(w != nil)
	if w == nil {
		w = &throttle.Window{From: "22:00", To: "06:00"}
	}
	t.from.SetText(w.From)
	t.to.SetText(w.To)
	for i, d := range weekdays {
		on := len(w.Days) == 0
		for _, wd := range w.Days {
			on = on || wd == d
		}
		t.days[i].SetChecked(on)
	}
	t.enableWindow(t.window.Checked)
}

// read puts the fields into st, or says what is wrong with them.
func (t *throttling) read(st *device.Settings) bool {
	p, err := t.policy(st.Throttle)
	if err == nil {
		if err = p.Validate(); err != nil {
			err = errors.New(lang.L("These settings cannot be used: {{.Why}}", map[string]any{"Why": words.Error(err)}))
		}
	}
	if err != nil {
		setProblem(t.problem, err.Error())
		return false
	}
	setProblem(t.problem, "")
	st.Throttle = p
	return true
}

// policy is p with what is typed and chosen.
func (t *throttling) policy(p throttle.Policy) (throttle.Policy, error) {
	var ok1, ok2 bool
	p.PresentKBps, ok1 = t.present.read()
	p.AwayKBps, ok2 = t.away.read()
	if !ok1 || !ok2 {
		return p, errors.New(lang.L("Type the upload limit as a number, like 500 KB/s or 2 MB/s."))
	}
	minutes, err := strconv.Atoi(strings.TrimSpace(t.awayAfter.Text))
	if err != nil || minutes < 1 || minutes > 24*60 {
		return p, errors.New(lang.L("Type how long until you count as away as a number of minutes, like 15."))
	}
	p.AwayAfter = time.Duration(minutes) * time.Minute
	p.CPUPercent = t.cpu.read()
	p.MinBattery = 0
	if t.battery.Checked {
		p.MinBattery = t.level.read()
	}
	p.Window = nil
	if !t.window.Checked {
		return p, nil
	}
	w := &throttle.Window{From: typedClock(t.from.Text), To: typedClock(t.to.Text)}
	for i, c := range t.days {
		if c.Checked {
			w.Days = append(w.Days, weekdays[i])
		}
	}
	switch len(w.Days) {
	case 0:
		return p, errors.New(lang.L("Choose at least one day to back up on."))
	case 7:
		w.Days = nil // every day
	}
	p.Window = w
	return p, nil
}

// typedClock is a time as typed, "9:30" read as "09:30"; what is not a
// time is left for Policy.Validate to name.
func typedClock(typed string) string {
	if at, ok := clockTime(typed); ok {
		return at
	}
	return strings.TrimSpace(typed)
}

// percentSelect chooses a percentage among a few; one set otherwise (in the
// config file) is shown as an extra choice.
type percentSelect struct {
	sel     *widget.Select
	usual   []int
	def     int // the default, said so; 0: none
	choices []int
}

func newPercentSelect(usual []int, def int, changed func()) *percentSelect {
	p := &percentSelect{usual: usual, def: def}
	p.sel = widget.NewSelect(nil, func(string) { changed() })
	return p
}

func (p *percentSelect) label(n int) string {
	if n == p.def {
		return lang.L("{{.N}} % (default)", map[string]any{"N": n})
	}
	return lang.L("{{.N}} %", map[string]any{"N": n})
}

func (p *percentSelect) load(n int) {
	p.choices = append([]int(nil), p.usual...)
	found := false
	for _, c := range p.choices {
		found = found || c == n
	}
	if !found {
		p.choices = append(p.choices, n)
	}
	labels := make([]string, len(p.choices))
	for i, c := range p.choices {
		labels[i] = p.label(c)
	}
	p.sel.SetOptions(labels)
	p.sel.SetSelected(p.label(n))
}

func (p *percentSelect) read() int {
	for _, c := range p.choices {
		if p.label(c) == p.sel.Selected {
			return c
		}
	}
	return p.def
}

// dayName is a weekday's short name, as words.When writes it.
func dayName(d time.Weekday) string {
	return [...]func() string{
		func() string { return lang.L("Sun") }, func() string { return lang.L("Mon") },
		func() string { return lang.L("Tue") }, func() string { return lang.L("Wed") },
		func() string { return lang.L("Thu") }, func() string { return lang.L("Fri") },
		func() string { return lang.L("Sat") },
	}[d]()
}

// enable enables or disables widgets.
func enable(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}
