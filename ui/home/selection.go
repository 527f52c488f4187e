package home

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/selection"
)

// maxFolders is how many included folders the summary names.
const maxFolders = 4

// selectionCard sums up what is selected, with a way to change it.
type selectionCard struct {
	card             *widget.Card
	folders, exclude *widget.Label
}

func newSelectionCard(change func()) *selectionCard {
	c := &selectionCard{folders: widget.NewLabel(""), exclude: widget.NewLabel("")}
	c.folders.Wrapping = fyne.TextWrapWord
	c.exclude.Wrapping = fyne.TextWrapWord
	btn := widget.NewButton(lang.L("Change…"), func() {
		if change != nil {
			change()
		}
	})
	c.card = widget.NewCard(lang.L("What is selected"), "",
		container.NewBorder(nil, nil, nil, container.NewVBox(btn), container.NewVBox(c.folders, c.exclude)))
	return c
}

func (c *selectionCard) show(sel selection.Selection) {
	c.folders.SetText(folderSummary(sel.Include))
	n := len(sel.Exclude) + len(sel.Defaults)
	c.exclude.SetText(lang.N("{{.Count}} exclusions leave out caches, temporary files and what you chose", n,
		map[string]any{"Count": n}))
	c.exclude.Hidden = len(sel.Include) == 0
}

// folderSummary names the first included folders, one per line.
func folderSummary(include []string) string {
	if len(include) == 0 {
		return lang.L("Nothing is selected yet: choose the folders to back up.")
	}
	lines := make([]string, 0, maxFolders+1)
	for _, p := range include[:min(len(include), maxFolders)] {
		lines = append(lines, displayPath(p))
	}
	if more := len(include) - maxFolders; more > 0 {
		lines = append(lines, lang.N("and {{.Count}} more", more, map[string]any{"Count": more}))
	}
	return strings.Join(lines, "\n")
}

// displayPath turns the archive's form of a path ("/C:/Users/ana") into the
// system's ("C:\Users\ana").
func displayPath(p string) string {
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return filepath.FromSlash(p)
}
