package home

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/words"
)

// destCard is one destination: where it is, whether it can be used, the
// last backup, what it stores, and the running pass.
type destCard struct {
	card                         *widget.Card
	reach, last, stored, pending *widget.Label
	progress                     *progressView
}

func newDestCard() *destCard {
	c := &destCard{reach: widget.NewLabel(""), last: widget.NewLabel(""), stored: widget.NewLabel(""),
		pending: widget.NewLabel(""), progress: newProgressView()}
	for _, l := range []*widget.Label{c.reach, c.last, c.stored, c.pending} {
		l.Wrapping = fyne.TextWrapWord
	}
	c.card = widget.NewCard("", "", container.NewVBox(c.reach, c.progress.box, c.last, c.stored, c.pending))
	return c
}

func (c *destCard) show(ds device.DestinationStatus, now time.Time) {
	c.card.SetTitle(ds.Name)
	c.card.SetSubTitle(ds.Location())
	if ds.Reachable {
		c.reach.Importance = widget.SuccessImportance
		c.reach.SetText(lang.L("Ready"))
	} else {
		c.reach.Importance = widget.DangerImportance
		c.reach.SetText(lang.L("Cannot be used now: {{.Problem}}", map[string]any{"Problem": problemOf(ds)}))
	}
	c.last.SetText(lastBackup(ds.LastBackup, now))
	c.stored.SetText(lang.N("{{.Size}} stored, {{.Count}} files and folders", int(ds.Files),
		map[string]any{"Count": ds.Files, "Size": words.Bytes(ds.StoredBytes)}))
	c.pending.Hidden = ds.Pending == 0
	c.pending.SetText(lang.N("{{.Count}} changes wait on this computer until the server can be reached ({{.Size}})",
		ds.Pending, map[string]any{"Count": ds.Pending, "Size": words.Bytes(ds.Queued)}))
}

// problemOf says why a destination cannot be used, in words (the
// engine's own when no translation fits).
func problemOf(ds device.DestinationStatus) string {
	if ds.Err != nil {
		return words.Error(ds.Err)
	}
	return ds.Problem
}

func (c *destCard) showProgress(on bool, p backup.Progress) { c.progress.show(on, p) }

// lastBackup is "Last backup: 14:02 (took 3 s, 5 files changed)", or why
// it stopped.
func lastBackup(lb *device.LastBackup, now time.Time) string {
	switch {
	case lb == nil:
		return lang.L("No backup here yet.")
	case lb.Failed != "":
		return lang.L("The last backup stopped at {{.When}}: {{.Why}}",
			map[string]any{"When": words.When(lb.Finished, now), "Why": lb.Failed})
	case lb.Changed == 0:
		return lang.L("Last backup: {{.When}} (took {{.Took}}; nothing had changed)",
			map[string]any{"When": words.When(lb.Finished, now), "Took": words.Duration(lb.Took)})
	}
	return lang.N("Last backup: {{.When}} (took {{.Took}}, {{.Count}} files changed)", int(lb.Changed),
		map[string]any{"When": words.When(lb.Finished, now), "Took": words.Duration(lb.Took), "Count": lb.Changed})
}
