package getfiles

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/i18n"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// shownText is the text o draws, its pieces joined: what a person reads,
// cut ("…") where it did not fit.
func shownText(o fyne.CanvasObject) string {
	var b strings.Builder
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if t, ok := x.(*canvas.Text); ok {
			b.WriteString(t.Text)
		}
	})
	return b.String()
}

// swedish returns the Swedish words of English keys, from the app's bundle.
func swedish(t *testing.T, keys ...string) []string {
	t.Helper()
	data, err := i18n.Bundles.ReadFile("sv.json")
	if err != nil {
		t.Fatal(err)
	}
	var sv map[string]any
	if err := json.Unmarshal(data, &sv); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		s, ok := sv[k].(string)
		if !ok {
			t.Fatalf("no Swedish for %q", k)
		}
		out = append(out, s)
	}
	return out
}

// The restore options share the width by what they need: at the smallest
// window, the longest choice (Swedish "Byt namn på den och återställ en
// kopia") shows whole beside the short ones, which have room to spare.
func TestRestoreChoicesAreNotCut(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	p := h.s.panel
	places := swedish(t, "Downloads", "Desktop", "Original place", "Choose a folder…")
	conflicts := swedish(t, "Rename it and restore a copy", "Overwrite it")
	perms := swedish(t, "As they were", "Mine (the current user's)")
	p.setting = true
	p.saveTo.SetOptions(places)
	p.saveTo.SetSelectedIndex(0)
	p.setting = false
	p.conflict.SetOptions(conflicts)
	p.conflict.SetSelectedIndex(0)
	p.perms.SetOptions(perms)
	p.perms.SetSelectedIndex(1)
	h.w.Content().Refresh()
	for _, c := range []struct {
		s    *widget.Select
		want string
	}{{p.saveTo, places[0]}, {p.conflict, conflicts[0]}, {p.perms, perms[1]}} {
		if got := shownText(c.s); got != c.want {
			t.Errorf("the choice shows %q, want %q whole (%.0f wide)", got, c.want, c.s.Size().Width)
		}
	}
}

// The list of restores is titled by where they go: not "Downloads" for
// files put back where they were.
func TestTheRestoreListIsTitledByWhereItRestores(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	h.check("Documents")
	first := h.restoreChecked()
	if got := h.s.queue.title.Text; got != "Restores to Downloads" {
		t.Errorf("restoring to Downloads, the list is titled %q", got)
	}
	h.s.panel.saveTo.SetSelectedIndex(int(toOriginal))
	h.check("thesis")
	h.restoreChecked()
	if got := h.s.queue.title.Text; got != "Restores" {
		t.Errorf("restoring to two places, the list is titled %q", got)
	}
	test.Tap(first.card.remove)
	if got := h.s.queue.title.Text; got != "Restores to where they were" {
		t.Errorf("restoring to the original place, the list is titled %q", got)
	}
}

// The versions of one file go "where it was", not "where they were"; the
// file's path keeps its end when it does not fit.
func TestTheVersionsOfAFileSayWhereItWas(t *testing.T) {
	a := uitest.New(t)
	a.Write(t, map[string]string{"Documents/report.txt": "the quarterly report, final"})
	a.Backup(t)
	h := newHarness(t, a)
	h.s.panel.saveTo.SetSelectedIndex(int(toOriginal))
	test.Tap(h.row("Documents/report.txt").clock)
	vd := h.s.versions
	h.waitFor("the versions", func() bool { return len(vd.versions) == 2 })
	shown := ""
	uitest.Walk(h.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			shown += l.Text + "\n"
		}
	})
	if !strings.Contains(shown, "A version you restore goes to: where it was.") || strings.Contains(shown, "where they were") {
		t.Errorf("the versions dialog says:\n%s", shown)
	}
}
