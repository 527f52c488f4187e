package settings

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/retention"
	"github.com/cairnbackup/cairn/ui/uitest"
)

func TestSaveFrequencyAndVersionsKept(t *testing.T) {
	h := newHarness(t)
	if got := h.s.schedule.every.Selected; got != "Every 15 minutes (default)" {
		t.Fatalf("the default frequency shows as %q", got)
	}
	h.s.schedule.every.SetSelected("Every hour")
	h.s.versions.ages[0].SetText("14")
	h.s.versions.deleted.SetText("30")
	h.save(t)
	if !h.shows("Saved.") {
		t.Fatalf("status %q", h.s.status.Text)
	}
	st := h.a.Dev.Settings()
	if st.BackupEvery != time.Hour || time.Duration(st.Retention.Tiers[0].Within) != 14*day ||
		time.Duration(st.Retention.DeletedKeep) != 30*day {
		t.Fatalf("saved %+v", st)
	}
	// The widths were left as they were.
	if st.Retention.Tiers[0].Every != retention.Default().Tiers[0].Every || st.Retention.Older != retention.Month {
		t.Fatalf("widths changed: %+v", st.Retention)
	}
}

func TestAWrongVerificationTimeSavesNothing(t *testing.T) {
	h := newHarness(t)
	before := h.a.Dev.Settings()
	h.s.schedule.every.SetSelected("Once a day")
	h.s.schedule.verify.SetText("")
	test.Type(h.s.schedule.verify, "25:99")
	h.save(t)
	if !h.shows("daily scan as hours and minutes") || !h.shows("Nothing was saved") {
		t.Fatalf("no inline error; status %q", h.s.status.Text)
	}
	if after := h.a.Dev.Settings(); after.BackupEvery != before.BackupEvery || after.VerifyAt != before.VerifyAt {
		t.Fatalf("saved anyway: %+v", after)
	}
	h.s.schedule.verify.SetText("4:30")
	h.save(t)
	if got := h.a.Dev.Settings(); got.VerifyAt != "04:30" || got.BackupEvery != 24*time.Hour {
		t.Fatalf("saved %+v", got)
	}
}

func TestVersionsKeptAreChecked(t *testing.T) {
	h := newHarness(t)
	h.s.versions.ages[1].SetText("3") // younger than the 7 days above it
	h.save(t)
	if !h.shows("more than the one above it") {
		t.Fatal("no error for ages out of order")
	}
	h.s.versions.ages[1].SetText("many")
	h.save(t)
	if !h.shows("number of days") {
		t.Fatal("no error for a word")
	}
	if !equalPolicy(h.a.Dev.Settings().Retention, retention.Default()) {
		t.Fatal("a wrong policy was saved")
	}
	test.Tap(h.button(t, "Restore defaults"))
	if h.s.versions.ages[1].Text != "90" || h.shows("number of days") {
		t.Fatalf("defaults: %q", h.s.versions.ages[1].Text)
	}
}

func TestAnUnusualFrequencyIsShown(t *testing.T) {
	h := newHarness(t)
	st := h.a.Dev.Settings()
	st.BackupEvery = 45 * time.Minute
	if err := h.a.Dev.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	h.s.Shown()
	if got := h.s.schedule.every.Selected; got != "Every 45 min" {
		t.Fatalf("shown as %q", got)
	}
	h.s.other.login.SetChecked(false) // saving something else keeps it
	h.save(t)
	if got := h.a.Dev.Settings(); got.BackupEvery != 45*time.Minute || got.StartAtLogin {
		t.Fatalf("saved %+v", got)
	}
}

func TestLoginAndLanguage(t *testing.T) {
	h := newHarness(t)
	h.s.other.login.SetChecked(false)
	h.s.other.language.SetSelected("Svenska")
	h.save(t)
	if got := h.a.Dev.Settings(); got.StartAtLogin || got.Language != "sv" {
		t.Fatalf("saved %+v", got)
	}
	h.s.other.language.SetSelected("The system's language")
	test.Tap(h.button(t, "Revert"))
	if got := h.s.other.language.Selected; got != "Svenska" {
		t.Fatalf("revert shows %q", got)
	}
}

func TestWatchingAndScanNow(t *testing.T) {
	h := newHarness(t)
	if !h.s.schedule.watch.Checked {
		t.Fatal("watching is off by default")
	}
	if !h.hints("nothing a watcher missed stays unprotected") {
		t.Error("the daily scan does not say what it is for")
	}
	h.s.schedule.watch.SetChecked(false)
	h.save(t)
	if h.a.Dev.Settings().Watch {
		t.Fatal("watching is still on")
	}
	test.Tap(h.button(t, "Scan now"))
	if h.scans != 1 || !h.shows("scanning everything selected now") {
		t.Fatalf("scans %d", h.scans)
	}
	test.Tap(h.button(t, "Revert"))
	if h.s.schedule.watch.Checked {
		t.Fatal("revert shows watching on")
	}
}

func TestNoScanNowWithoutAService(t *testing.T) {
	test.NewTempApp(t)
	a := uitest.NewDevice(t)
	s := New(test.NewTempWindow(t, widget.NewLabel("")), Deps{Engine: a.Dev})
	if s.schedule.scanNow != nil {
		t.Fatal("a Scan now button that can do nothing")
	}
}

// hints says whether an explanation on the screen contains text.
func (h *harness) hints(text string) bool {
	found := false
	uitest.Walk(h.s.Object(), func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RichText); ok && strings.Contains(r.String(), text) {
			found = true
		}
	})
	return found
}

func equalPolicy(a, b retention.Policy) bool {
	if len(a.Tiers) != len(b.Tiers) || a.Older != b.Older || a.DeletedKeep != b.DeletedKeep {
		return false
	}
	for i := range a.Tiers {
		if a.Tiers[i] != b.Tiers[i] {
			return false
		}
	}
	return true
}
