package firstrun

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/destform"
	"github.com/cairnbackup/cairn/ui/words"
)

// destPage is where a new computer chooses where to back up: a drive or
// folder, or a server, each with its form from ui/destform.
type destPage struct {
	s      *Screen
	kind   *widget.RadioGroup
	folder *destform.Form
	server *destform.Form
	form   *destform.Form // the one shown
	holder *fyne.Container
	back   *widget.Button
	submit *widget.Button
	busy   bool
}

// showDestination shows the forms, the drive's first.
func (s *Screen) showDestination() {
	p := &destPage{s: s, holder: container.NewStack()}
	fd := destform.Deps{Engine: s.deps.Engine, KDF: s.deps.KDF, Preset: s.deps.Preset, Do: s.deps.Do}
	p.folder = destform.NewFolderForm(s.w, fd, p.added)
	p.server = destform.NewServerForm(s.w, fd, p.added)
	p.folder.OnBusy, p.server.OnBusy = p.setBusy, p.setBusy
	drive, server := lang.L("An external drive or a folder"), lang.L("A Cairn server")
	p.kind = widget.NewRadioGroup([]string{drive, server}, func(v string) {
		if v == server {
			p.use(p.server)
		} else {
			p.use(p.folder)
		}
	})
	p.kind.Horizontal = true
	p.kind.Required = true
	p.back = widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() {
		p.form.Cancel()
		s.showChoice()
	})
	p.submit = widget.NewButton("", func() { p.form.Submit() })
	p.submit.Importance = widget.HighImportance
	if s.deps.Preset.Server != "" { // the organisation's server first
		p.kind.SetSelected(server)
	} else {
		p.kind.SetSelected(drive)
	}
	s.dest = p
	content := container.NewBorder(container.NewVBox(p.kind, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(p.holder))
	s.show(destinationPage, lang.L("Where should Cairn keep the copies of your files?"), content,
		[]fyne.CanvasObject{p.back}, []fyne.CanvasObject{p.submit})
}

// use shows one of the two forms.
func (p *destPage) use(f *destform.Form) {
	p.form = f
	p.holder.Objects = []fyne.CanvasObject{f.Object()}
	p.holder.Refresh()
	p.submit.SetText(f.SubmitText())
}

// setBusy keeps the buttons and the choice still while a form works.
func (p *destPage) setBusy(busy bool) {
	p.busy = busy
	for _, w := range []fyne.Disableable{p.submit, p.kind} {
		if busy {
			w.Disable()
		} else {
			w.Enable()
		}
	}
}

// added selects the home folder when nothing is selected (the engine's
// fresh configuration has the default exclusions already) and adds the
// organisation's exclusions to those, then hands over to the app, which
// starts the first backup.
func (p *destPage) added(string, device.AddResult) {
	eng, home, do, preset := p.s.deps.Engine, p.s.deps.UserHome, p.s.deps.do, p.s.deps.Preset
	p.setBusy(true)
	go func() {
		var err error
		if len(eng.Selection().Include) == 0 && home != "" {
			err = eng.AddFiles(home)
		}
		if err == nil && len(preset.Exclude) > 0 {
			err = eng.SetSelection(preset.AddExclusions(eng.Selection()))
		}
		do(func() {
			p.setBusy(false)
			if err == nil {
				p.s.finish()
				return
			}
			d := dialog.NewInformation(lang.L("Choose what to back up"),
				lang.L("Cairn could not select your home folder: {{.Error}}. Choose what to back up in Manage Files.",
					map[string]any{"Error": words.Error(err)}), p.s.w)
			d.SetOnClosed(p.s.finish)
			d.Show()
		})
	}()
}
