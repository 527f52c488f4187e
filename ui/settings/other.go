package settings

import (
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
)

// other holds starting at login and the language.
type other struct {
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

func newOther(changed func()) *other {
	o := &other{}
	o.login = widget.NewCheck(lang.L("Start Cairn when you log in"), func(bool) { changed() })
	o.language = widget.NewSelect(nil, func(string) { changed() })
	form := widget.NewForm(widget.NewFormItem(lang.L("At login"), o.login),
		&widget.FormItem{Text: lang.L("Language"), Widget: o.language, HintText: lang.L("Takes effect when Cairn restarts.")})
	o.card = widget.NewCard(lang.L("This computer"), "", container.NewVBox(form))
	return o
}

func (o *other) load(st device.Settings) {
	o.login.SetChecked(st.StartAtLogin)
	o.loadLanguage(st.Language)
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

// read puts the fields into st.
func (o *other) read(st *device.Settings) {
	st.StartAtLogin = o.login.Checked
	for _, l := range o.languages {
		if l.label == o.language.Selected {
			st.Language = l.code
		}
	}
}
