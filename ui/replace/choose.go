package replace

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/words"
)

// oldComputer is what the adopted backup says about the computer that made
// it, read off the UI thread for the third page.
type oldComputer struct {
	st         config.ReplaceState
	profile    device.Profile
	hasProfile bool
	all        []string // archive paths "All files" brings over
	folders    []string // archive paths "Selected folders" offers
}

// readOldComputer reads the old computer's profile and what its home
// folder holds (or, when the home folder is not known, its selection or
// the whole backup).
//
// "All files" is everything directly in the old home folder rather than
// the home folder itself: the engine moves what is below the old home
// into this computer's home, but restores the old home folder itself
// into its old place (see TestEngineAllFilesIntoTheirPlaces).
func readOldComputer(ctx context.Context, eng Engine, st config.ReplaceState) (oldComputer, error) {
	oc := oldComputer{st: st}
	var err error
	oc.profile, oc.hasProfile, err = eng.ReadProfile(ctx, st.Destination)
	if err != nil {
		return oc, err
	}
	base := st.OldHome
	if base == "" {
		if roots := oc.profile.Selection.Roots(); oc.hasProfile && len(roots) > 0 {
			oc.all, oc.folders = roots, roots
			return oc, nil
		}
		base = "/"
	}
	var children []string
	err = eng.List(ctx, st.Destination, base, index.View{At: index.Latest}, false, func(e index.Entry) error {
		children = append(children, e.Version.Path)
		if e.Version.Type == engine.TypeDir {
			oc.folders = append(oc.folders, e.Version.Path)
		}
		return nil
	})
	oc.all = []string{base}
	if st.OldHome != "" && len(children) > 0 {
		oc.all = children
	}
	return oc, err
}

// choosePage is the third page: which files, where to, which settings.
type choosePage struct {
	s       *Screen
	oc      oldComputer
	files   *widget.RadioGroup
	folders []*widget.Check
	into    *widget.RadioGroup
	to      *widget.Entry
	toRow   *fyne.Container
	places  *widget.Label
	sel     *widget.Check
	excl    *widget.Check
	freq    *widget.Check
	problem *widget.Label
}

// showChoose opens the third page once what the old computer had is read.
func (s *Screen) showChoose(st config.ReplaceState) {
	s.choose = nil
	retry := widget.NewButtonWithIcon(lang.L("Try again"), theme.ViewRefreshIcon(), func() { s.showChoose(st) })
	retry.Hide()
	problem := problemLabel()
	s.show(3, lang.L("What should come over?"), container.NewVBox(problem, retry), nav{})
	eng := s.deps.Engine
	s.run(lang.L("Reading what the old computer had…"), func(ctx context.Context) func() {
		oc, err := readOldComputer(ctx, eng, st)
		return func() {
			if err != nil {
				setProblem(problem, lang.L("Cairn could not read the old computer's backup: {{.Error}}",
					map[string]any{"Error": words.Error(err)}))
				retry.Show()
				return
			}
			s.choose = newChoosePage(s, oc)
		}
	})
}

func newChoosePage(s *Screen, oc oldComputer) *choosePage {
	p := &choosePage{s: s, oc: oc, to: widget.NewEntry(), problem: problemLabel()}
	all, some := lang.L("All files"), lang.L("Selected folders")
	checks := container.NewGridWithColumns(3)
	for _, f := range oc.folders {
		c := widget.NewCheck(baseName(f), nil)
		p.folders = append(p.folders, c)
		checks.Add(c)
	}
	options := []string{all}
	if len(oc.folders) > 0 {
		options = append(options, some)
	}
	p.files = widget.NewRadioGroup(options, func(v string) {
		for _, c := range p.folders {
			if v == some {
				c.Enable()
			} else {
				c.Disable()
			}
		}
	})
	p.files.Required = true
	p.files.Horizontal = true
	places, folder := lang.L("Into their places"), lang.L("Into a folder…")
	p.places = note(p.placesText())
	p.to.SetPlaceHolder(lang.L("A folder on this computer"))
	p.toRow = container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Choose…"), p.chooseFolder), p.to)
	p.into = widget.NewRadioGroup([]string{places, folder}, func(v string) {
		showIf(p.places, v == places)
		showIf(p.toRow, v == folder)
	})
	p.into.Required = true
	p.into.Horizontal = true
	p.sel = widget.NewCheck(lang.L("Folders chosen for backup"), nil)
	p.excl = widget.NewCheck(lang.L("Exclusions"), nil)
	p.freq = widget.NewCheck(lang.L("How often to back up and which versions to keep"), nil)
	p.prefill(all, some, places, folder)

	box := container.NewVBox(note(p.intro()))
	box.Add(heading(lang.L("Files")))
	box.Add(p.files)
	box.Add(indent(checks))
	box.Add(heading(lang.L("Where to put them")))
	box.Add(p.into)
	box.Add(indent(container.NewVBox(p.places, p.toRow)))
	box.Add(heading(lang.L("Settings")))
	if oc.hasProfile {
		box.Add(container.NewVBox(p.sel, p.excl, p.freq))
	} else {
		box.Add(note(lang.L("This backup was made by an older Cairn that did not keep its settings: this computer keeps its own.")))
	}
	box.Add(p.problem)
	box.Add(note(lang.L("You can close Cairn at any time: the next time it opens, it continues here.")))
	s.show(3, lang.L("What should come over from {{.Name}}?", map[string]any{"Name": oldName(oc.st)}),
		container.NewVScroll(box), nav{next: p.next})
	return p
}

// intro says what was taken over and which system the old computer ran.
func (p *choosePage) intro() string {
	goos := p.oc.st.OldOS
	if p.oc.hasProfile && p.oc.profile.OS != "" {
		goos = p.oc.profile.OS
	}
	return lang.L("This computer now continues the backup of {{.Name}}. The old computer ran {{.OS}}. Choose what to bring over; the rest stays in the backup, and Get Files brings it back whenever you need it.",
		map[string]any{"Name": oldName(p.oc.st), "OS": osName(goos)})
}

func (p *choosePage) placesText() string {
	if p.oc.st.OldHome == "" {
		return lang.L("At the same paths as on the old computer.")
	}
	return lang.L("From {{.From}} to {{.To}}", map[string]any{"From": shownPath(p.oc.st.OldHome), "To": p.s.deps.UserHome})
}

// prefill sets the choices: all on at first, or what was chosen before
// when the person came back from the transfer.
func (p *choosePage) prefill(all, some, places, folder string) {
	st := p.oc.st
	p.files.SetSelected(all)
	p.into.SetSelected(places)
	for _, c := range []*widget.Check{p.sel, p.excl, p.freq} {
		c.SetChecked(true)
	}
	if st.Step != config.ReplaceTransfer {
		return
	}
	if len(st.Files) > 0 && !slices.Equal(st.Files, p.oc.all) {
		p.files.SetSelected(some)
		for i, f := range p.oc.folders {
			p.folders[i].SetChecked(slices.Contains(st.Files, f))
		}
	}
	if st.FilesTo != "" {
		p.into.SetSelected(folder)
		p.to.SetText(st.FilesTo)
	}
	p.sel.SetChecked(slices.Contains(st.Settings, device.TransferSelection))
	p.excl.SetChecked(slices.Contains(st.Settings, device.TransferExclusions))
	p.freq.SetChecked(slices.Contains(st.Settings, device.TransferFrequency))
}

// next records the choice and starts the transfer.
func (p *choosePage) next() {
	files := p.oc.all
	if p.files.Selected != p.files.Options[0] {
		files = nil
		for i, c := range p.folders {
			if c.Checked {
				files = append(files, p.oc.folders[i])
			}
		}
		if len(files) == 0 {
			setProblem(p.problem, lang.L("Choose at least one folder, or choose All files."))
			return
		}
	}
	to := ""
	if p.into.Selected != p.into.Options[0] {
		if to = strings.TrimSpace(p.to.Text); to == "" {
			setProblem(p.problem, lang.L("Choose the folder to put the old computer's files in."))
			p.s.w.Canvas().Focus(p.to)
			return
		}
	}
	var settings []string
	if p.oc.hasProfile {
		for s, c := range map[string]*widget.Check{device.TransferSelection: p.sel,
			device.TransferExclusions: p.excl, device.TransferFrequency: p.freq} {
			if c.Checked {
				settings = append(settings, s)
			}
		}
		slices.Sort(settings)
	}
	if err := p.s.deps.Engine.ChooseTransfer(files, to, settings); err != nil {
		setProblem(p.problem, words.Error(err))
		return
	}
	setProblem(p.problem, "")
	if st := p.s.deps.Engine.Replacing(); st != nil {
		p.s.showTransfer(*st, true)
	}
}

func (p *choosePage) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			p.to.SetText(u.Path())
		}
	}, p.s.w)
	start := strings.TrimSpace(p.to.Text)
	if start == "" {
		start = p.s.deps.UserHome
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
		d.SetLocation(l)
	}
	// A list shows folder names whole; the grid breaks them over two lines
	// ("Documen ts"). A view the person chose in the dialog is kept.
	d.SetView(dialog.ListView)
	d.Resize(p.s.w.Canvas().Size())
	d.Show()
}

// indent moves a group of controls under the choice they belong to.
func indent(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, o)
}
