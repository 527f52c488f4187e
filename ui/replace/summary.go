package replace

import (
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/ui/words"
)

// maxListed is how many renamed files the summary names one by one.
const maxListed = 50

// summaryPage is the last page: what came over, and Finish.
type summaryPage struct {
	s       *Screen
	st      config.ReplaceState
	res     restore.Result
	problem *widget.Label
}

// showSummary says what the transfer did and what happens next.
func (s *Screen) showSummary(st config.ReplaceState, res restore.Result) {
	p := &summaryPage{s: s, st: st, res: res, problem: problemLabel()}
	s.summary = p
	box := container.NewVBox(heading(lang.N("{{.Count}} files brought over ({{.Size}})", int(res.Files),
		map[string]any{"Count": res.Files, "Size": words.Bytes(res.Bytes)})))
	if res.AlreadyThere > 0 {
		box.Add(note(lang.N("{{.Count}} files were here already from an earlier try, and were left as they were.",
			int(res.AlreadyThere), map[string]any{"Count": res.AlreadyThere})))
	}
	box.Add(note(p.where()))
	if n := len(res.MovedAside); n > 0 {
		box.Add(note(lang.N("{{.Count}} files of this computer were in the way. They were renamed to keep them:", n,
			map[string]any{"Count": n})))
		for _, a := range res.MovedAside[:min(n, maxListed)] {
			box.Add(indent(note(shownPath(a))))
		}
	}
	if n := len(res.Errors); n > 0 {
		box.Add(heading(lang.N("{{.Count}} files could not be brought over", n, map[string]any{"Count": n})))
		for _, fe := range res.Errors[:min(n, maxShownErrors)] {
			box.Add(indent(errorRow(fe)))
		}
		box.Add(note(lang.L("They are still in the backup: Get Files brings them back once the problem is solved.")))
	}
	box.Add(heading(lang.L("Settings taken over")))
	if len(st.Settings) == 0 {
		box.Add(note(lang.L("No settings were taken over: this computer keeps its own.")))
	}
	for _, name := range []string{device.TransferSelection, device.TransferExclusions, device.TransferFrequency} {
		if slices.Contains(st.Settings, name) {
			box.Add(indent(widget.NewLabel(settingName(name))))
		}
	}
	box.Add(widget.NewSeparator())
	box.Add(note(lang.L("When you finish, Cairn backs this computer up into the same backup, continuing the history of {{.Name}}. What was not brought over stays in the backup.",
		map[string]any{"Name": oldName(st)})))
	box.Add(p.problem)
	s.show(5, lang.L("The old computer's files are here"), container.NewVScroll(box),
		nav{back: p.back, next: p.finish, nextText: lang.L("Finish")})
}

// where says where the files went.
func (p *summaryPage) where() string {
	switch {
	case p.st.FilesTo != "":
		return lang.L("They are in {{.Folder}}.", map[string]any{"Folder": filepath.Clean(p.st.FilesTo)})
	case p.st.OldHome != "":
		return lang.L("They are in their places in {{.Home}}.", map[string]any{"Home": p.s.deps.UserHome})
	}
	return lang.L("They are at the same paths as on the old computer.")
}

// back goes to the choice again, to bring more over.
func (p *summaryPage) back() {
	if st := p.s.deps.Engine.Replacing(); st != nil {
		p.s.showChoose(*st)
	}
}

// finish ends the wizard: backups start again.
func (p *summaryPage) finish() {
	if err := p.s.deps.Engine.FinishReplace(); err != nil {
		setProblem(p.problem, words.Error(err))
		return
	}
	if p.s.deps.OnFinished != nil {
		p.s.deps.OnFinished()
	}
}

// settingName is a setting that can be taken over, in words.
func settingName(name string) string {
	switch name {
	case device.TransferSelection:
		return lang.L("Folders chosen for backup")
	case device.TransferExclusions:
		return lang.L("Exclusions")
	case device.TransferFrequency:
		return lang.L("How often to back up and which versions to keep")
	}
	return name
}
