package home

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/watch"
	"github.com/cairnbackup/cairn/ui/words"
)

// watchingCard says how changes are found: the folders watched (or why
// some are not), and when everything selected was and will next be
// scanned.
type watchingCard struct {
	card                    *widget.Card
	watching, problem, scan *widget.Label
}

func newWatchingCard() *watchingCard {
	c := &watchingCard{watching: widget.NewLabel(""), problem: widget.NewLabel(""), scan: widget.NewLabel("")}
	for _, l := range []*widget.Label{c.watching, c.problem, c.scan} {
		l.Wrapping = fyne.TextWrapWord
	}
	c.problem.Importance = widget.WarningImportance
	c.card = widget.NewCard(lang.L("Continuous backup"), "", container.NewVBox(c.watching, c.problem, c.scan))
	c.card.Hide()
	return c
}

func (c *watchingCard) show(st service.State, now time.Time) {
	w := st.Watching
	c.card.Hidden = st.Phase == service.Setup ||
		(w.Folders == 0 && w.Problem == "" && st.NextScan.IsZero() && st.LastScan.IsZero())
	c.watching.SetText(watchingText(st))
	c.watching.Hidden = w.Limited && w.Problem != ""
	c.problem.SetText(watchProblem(w))
	c.problem.Hidden = w.Problem == ""
	c.scan.SetText(scanText(st.NextScan, st.LastScan, now))
	c.scan.Hidden = c.scan.Text == ""
	c.card.Refresh()
}

// shape sums up which of the card's lines show.
func (c *watchingCard) shape() string {
	return strconv.Itoa(visible(c.card) + 2*visible(c.watching) + 4*visible(c.problem) + 8*visible(c.scan))
}

func visible(o fyne.CanvasObject) int {
	if o.Visible() {
		return 1
	}
	return 0
}

// watchingText is "Watching 1,204 folders: changes are backed up within
// seconds", or how changes are found without watching.
func watchingText(st service.State) string {
	n := st.Watching.Folders
	switch {
	case n == 0:
		return lang.L("Not watching files: the regular scans find changes.")
	case st.Phase == service.Paused:
		return lang.N("Watching {{.Folders}} folders: changes are noted and wait until backups resume", n,
			map[string]any{"Folders": thousands(n)})
	}
	return lang.N("Watching {{.Folders}} folders: changes are backed up within seconds", n,
		map[string]any{"Folders": thousands(n)})
}

// scanText is when everything selected is next scanned, and was last.
func scanText(next, last time.Time, now time.Time) string {
	switch {
	case next.IsZero() && last.IsZero():
		return ""
	case last.IsZero():
		return lang.L("Next full scan: {{.Next}}", map[string]any{"Next": words.When(next, now)})
	case next.IsZero():
		return lang.L("Last full scan: {{.Last}}", map[string]any{"Last": words.When(last, now)})
	}
	return lang.L("Next full scan: {{.Next}} (the last one: {{.Last}})",
		map[string]any{"Next": words.When(next, now), "Last": words.When(last, now)})
}

// awayText is the upload limit while the person is away, "" when none
// applies now.
func awayText(st service.State) string {
	if !st.Away || st.UploadLimit <= 0 {
		return ""
	}
	return lang.L("Uploads limited to {{.Rate}} while you are away",
		map[string]any{"Rate": words.Rate(st.UploadLimit, time.Second)})
}

// thousands writes n with a comma every three digits: 1204 → "1,204".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// watchProblem says what the watcher cannot cover, from its data (the
// engine's Problem is English), in the language shown.
func watchProblem(w watch.Status) string {
	var says []string
	switch {
	case w.Limited:
		allowed := w.Limit
		if allowed == 0 {
			allowed = w.Folders
		}
		says = append(says, lang.N("This computer allows watching only {{.Limit}} folders; {{.Count}} more are covered by the regular scans.",
			w.Unwatched, map[string]any{"Limit": thousands(allowed), "Count": thousands(w.Unwatched)}))
	case w.Unwatched > 0:
		says = append(says, lang.N("{{.Count}} folders could not be watched; the regular scans cover them.",
			w.Unwatched, map[string]any{"Count": thousands(w.Unwatched)}))
	}
	for _, m := range w.Missing {
		says = append(says, lang.L("{{.Path}} is not there (is its drive connected?), so it is not being watched.", map[string]any{"Path": m}))
	}
	if len(says) == 0 {
		return w.Problem
	}
	return strings.Join(says, " ")
}
