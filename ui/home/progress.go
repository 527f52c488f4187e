package home

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/ui/words"
)

// progressView is a running pass: a bar, and what is left in words.
type progressView struct {
	bar  *widget.ProgressBar
	text *widget.Label
	box  *fyne.Container
}

func newProgressView() *progressView {
	p := &progressView{bar: widget.NewProgressBar(), text: widget.NewLabel("")}
	p.bar.TextFormatter = func() string { return "" }
	p.text.Wrapping = fyne.TextWrapWord
	p.box = container.NewVBox(p.bar, p.text)
	p.box.Hide()
	return p
}

func (p *progressView) show(on bool, pr backup.Progress) {
	if !on {
		p.box.Hide()
		return
	}
	p.bar.SetValue(fraction(pr))
	p.text.SetText(progressText(pr))
	p.box.Show()
}

// fraction is how far the pass is, by bytes (by files while no file with
// content changed).
func fraction(p backup.Progress) float64 {
	switch {
	case p.BytesToRead > 0:
		return min(1, float64(p.BytesRead)/float64(p.BytesToRead))
	case p.FilesToRead > 0:
		return min(1, float64(p.FilesRead)/float64(p.FilesToRead))
	}
	return 0
}

// progressText is "12 files, 3.4 MB left, 5.0 MB/s", or, while nothing
// changed was found yet, how many files were compared.
func progressText(p backup.Progress) string {
	if p.Scanning && p.FilesToRead == 0 {
		return lang.N("Looking for changes: {{.Count}} files checked", int(p.FilesSeen),
			map[string]any{"Count": p.FilesSeen})
	}
	files := max(0, p.FilesToRead-p.FilesRead)
	data := map[string]any{"Count": files, "Left": words.Bytes(max(0, p.BytesToRead-p.BytesRead)),
		"Rate": words.Rate(p.BytesRead, p.Elapsed)}
	if data["Rate"] == "" {
		return lang.N("{{.Count}} files, {{.Left}} left", int(files), data)
	}
	return lang.N("{{.Count}} files, {{.Left}} left, {{.Rate}}", int(files), data)
}
