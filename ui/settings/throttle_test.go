package settings

import (
	"reflect"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/throttle"
)

func TestUploadLimitsWhilePresentAndAway(t *testing.T) {
	h := newHarness(t)
	th := h.s.throttle
	if !th.present.rate.Disabled() || !th.away.rate.Disabled() {
		t.Error("a limit can be typed while there is none")
	}
	test.Tap(th.present.limit)
	test.Type(th.present.rate, "2")
	th.present.unit.SetSelected("MB/s")
	test.Tap(th.away.limit)
	test.Type(th.away.rate, "500")
	th.away.unit.SetSelected("KB/s")
	h.save(t)
	if got := h.a.Dev.Settings().Throttle; got.PresentKBps != 2000 || got.AwayKBps != 500 {
		t.Fatalf("saved %+v", got)
	}

	th.away.rate.SetText("fast")
	h.save(t)
	if !h.shows("upload limit as a number") || !h.shows("Nothing was saved") ||
		h.a.Dev.Settings().Throttle.AwayKBps != 500 {
		t.Fatal("a word was taken as a limit")
	}
	test.Tap(h.button(t, "Revert"))
	if th.present.rate.Text != "2" || th.present.unit.Selected != "MB/s" || th.away.rate.Text != "500" ||
		th.away.unit.Selected != "KB/s" || h.shows("upload limit") {
		t.Fatalf("revert: %q %q, %q %q", th.present.rate.Text, th.present.unit.Selected, th.away.rate.Text, th.away.unit.Selected)
	}

	test.Tap(th.present.limit) // off: no limit
	h.save(t)
	if got := h.a.Dev.Settings().Throttle; got.PresentKBps != 0 || got.AwayKBps != 500 {
		t.Fatalf("saved %+v", got)
	}
}

func TestAwayProcessorAndBattery(t *testing.T) {
	h := newHarness(t)
	th := h.s.throttle
	if th.cpu.sel.Selected != "50 % (default)" || th.battery.Checked == th.level.sel.Disabled() {
		t.Fatalf("defaults: CPU %q, battery %v, level enabled %v", th.cpu.sel.Selected, th.battery.Checked, !th.level.sel.Disabled())
	}
	th.awayAfter.SetText("5")
	th.cpu.sel.SetSelected("75 %")
	th.battery.SetChecked(true)
	th.level.sel.SetSelected("10 %")
	h.save(t)
	got := h.a.Dev.Settings().Throttle
	if got.AwayAfter != 5*time.Minute || got.CPUPercent != 75 || got.MinBattery != 10 {
		t.Fatalf("saved %+v", got)
	}

	th.battery.SetChecked(false)
	if !th.level.sel.Disabled() {
		t.Error("a level can be chosen while backups do not wait on battery")
	}
	h.save(t)
	if got := h.a.Dev.Settings().Throttle; got.MinBattery != 0 || got.CPUPercent != 75 {
		t.Fatalf("saved %+v", got)
	}

	th.awayAfter.SetText("soon")
	h.save(t)
	if !h.shows("number of minutes") || h.a.Dev.Settings().Throttle.AwayAfter != 5*time.Minute {
		t.Fatal("a word was taken as minutes")
	}
}

func TestBackupHours(t *testing.T) {
	h := newHarness(t)
	th := h.s.throttle
	if th.window.Checked || !th.from.Disabled() {
		t.Fatal("hours are set by default")
	}
	test.Tap(th.window)
	th.from.SetText("23:00")
	th.to.SetText("6:30") // overnight, and without its leading zero
	th.days[5].SetChecked(false)
	th.days[6].SetChecked(false) // Saturday and Sunday
	h.save(t)
	want := &throttle.Window{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday,
		time.Friday}, From: "23:00", To: "06:30"}
	if got := h.a.Dev.Settings().Throttle.Window; !reflect.DeepEqual(got, want) {
		t.Fatalf("saved %+v", got)
	}

	for _, c := range th.days {
		c.SetChecked(false)
	}
	h.save(t)
	if !h.shows("at least one day") || !reflect.DeepEqual(h.a.Dev.Settings().Throttle.Window, want) {
		t.Fatal("a window on no day was saved")
	}
	for _, c := range th.days {
		c.SetChecked(true)
	}
	h.save(t)
	if got := h.a.Dev.Settings().Throttle.Window; got == nil || got.Days != nil || got.From != "23:00" {
		t.Fatalf("every day saved as %+v", got)
	}

	test.Tap(th.window) // off: at any time
	h.save(t)
	if got := h.a.Dev.Settings().Throttle.Window; got != nil {
		t.Fatalf("saved %+v", got)
	}
}

func TestAWrongWindowTimeSavesNothing(t *testing.T) {
	h := newHarness(t)
	th := h.s.throttle
	before := h.a.Dev.Settings().Throttle
	test.Tap(th.window)
	th.from.SetText("25:00")
	th.cpu.sel.SetSelected("25 %")
	h.save(t)
	if !th.problem.Visible() || !h.shows(`"25:00"`) || !h.shows("Nothing was saved") {
		t.Fatalf("no inline error: %q; status %q", th.problem.Text, h.s.status.Text)
	}
	if after := h.a.Dev.Settings().Throttle; !reflect.DeepEqual(after, before) {
		t.Fatalf("saved anyway: %+v", after)
	}
	th.from.SetText("22:00")
	h.save(t)
	if got := h.a.Dev.Settings().Throttle; got.Window == nil || got.Window.From != "22:00" || got.CPUPercent != 25 ||
		th.problem.Visible() {
		t.Fatalf("saved %+v", got)
	}
}
