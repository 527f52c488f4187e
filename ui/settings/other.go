package settings

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
)

// other holds the upload limit, starting at login and the language.
type other struct {
	limit     *widget.Check
	rate      *widget.Entry
	unit      *widget.Select
	problem   *widget.Label
	login     *widget.Check
	language  *widget.Select
	languages []language
	card      *widget.Card
}

// language is one choice of the app's language.
type language struct {
	label, code string
}

func languages() []language {
	return []language{{lang.L("The system's language"), ""}, {"English", "en"}, {"Svenska", "sv"}, {"Deutsch", "de"}}
}

const (
	kbps = "KB/s"
	mbps = "MB/s"
)

func newOther(changed func()) *other {
	o := &other{rate: widget.NewEntry(), problem: problemLabel()}
	o.limit = widget.NewCheck(lang.L("Limit uploads to servers to"), func(on bool) {
		o.enableRate(on)
		changed()
	})
	o.rate.OnChanged = func(string) { changed() }
	o.unit = widget.NewSelect([]string{kbps, mbps}, func(string) { changed() })
	o.login = widget.NewCheck(lang.L("Start Cairn when you log in"), func(bool) { changed() })
	o.language = widget.NewSelect(nil, func(string) { changed() })
	rate := container.NewHBox(o.limit, container.NewGridWrap(fyne.NewSize(90, o.rate.MinSize().Height), o.rate), o.unit)
	form := widget.NewForm(widget.NewFormItem(lang.L("Bandwidth"), rate),
		widget.NewFormItem(lang.L("At login"), o.login),
		&widget.FormItem{Text: lang.L("Language"), Widget: o.language, HintText: lang.L("Takes effect when Cairn restarts.")})
	o.card = widget.NewCard(lang.L("This computer"), "", container.NewVBox(form, o.problem))
	return o
}

func (o *other) enableRate(on bool) {
	if on {
		o.rate.Enable()
		o.unit.Enable()
	} else {
		o.rate.Disable()
		o.unit.Disable()
	}
}

func (o *other) load(st device.Settings) {
	o.limit.SetChecked(st.BandwidthKBps > 0)
	o.enableRate(st.BandwidthKBps > 0)
	switch {
	case st.BandwidthKBps == 0:
		o.rate.SetText("")
		o.unit.SetSelected(mbps)
	case st.BandwidthKBps%1000 == 0:
		o.rate.SetText(strconv.Itoa(st.BandwidthKBps / 1000))
		o.unit.SetSelected(mbps)
	default:
		o.rate.SetText(strconv.Itoa(st.BandwidthKBps))
		o.unit.SetSelected(kbps)
	}
	o.login.SetChecked(st.StartAtLogin)
	o.loadLanguage(st.Language)
	setProblem(o.problem, "")
}

func (o *other) loadLanguage(code string) {
	o.languages = languages()
	selected := ""
	for _, l := range o.languages {
		if l.code == code {
			selected = l.label
		}
	}
	if selected == "" { // set by hand to one we do not offer: keep it
		o.languages = append(o.languages, language{code, code})
		selected = code
	}
	labels := make([]string, len(o.languages))
	for i, l := range o.languages {
		labels[i] = l.label
	}
	o.language.SetOptions(labels)
	o.language.SetSelected(selected)
}

// read puts the fields into st, or says what is wrong with them.
func (o *other) read(st *device.Settings) bool {
	st.BandwidthKBps = 0
	if o.limit.Checked {
		n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(o.rate.Text), ",", "."), 64)
		if o.unit.Selected == mbps {
			n *= 1000
		}
		if err != nil || n < 1 || n > 1e9 {
			setProblem(o.problem, lang.L("Type the upload limit as a number, like 500 KB/s or 2 MB/s."))
			return false
		}
		st.BandwidthKBps = int(n)
	}
	st.StartAtLogin = o.login.Checked
	for _, l := range o.languages {
		if l.label == o.language.Selected {
			st.Language = l.code
		}
	}
	setProblem(o.problem, "")
	return true
}
