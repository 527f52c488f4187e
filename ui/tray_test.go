package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/uitest"
)

func labels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if !it.IsSeparator {
			out = append(out, it.Label)
		}
	}
	return out
}

func TestTrayMenuSaysTheStateAndOffersWhatFits(t *testing.T) {
	now := time.Date(2026, 11, 25, 14, 30, 0, 0, time.Local)
	var paused []time.Duration
	a := TrayActions{Pause: func(d time.Duration) { paused = append(paused, d) }}
	m := TrayMenu(service.State{Phase: service.Idle, LastSafe: now.Add(-28 * time.Minute)}, now, a)
	want := []string{"Safe as of 14:02", "Back up now", "Pause for 1 hour", "Pause for 4 hours", "Pause until I resume",
		"Get Files…", "Manage Files…", "Open Cairn", "Quit Cairn"}
	if got := labels(m); !slices.Equal(got, want) {
		t.Fatalf("idle menu %q", got)
	}
	if !m.Items[0].Disabled || !m.Items[len(m.Items)-1].IsQuit {
		t.Fatal("the state line must be inert and Quit must be the quit item")
	}
	for _, it := range m.Items {
		if strings.HasPrefix(it.Label, "Pause") {
			it.Action()
		}
	}
	if !slices.Equal(paused, []time.Duration{time.Hour, 4 * time.Hour, 0}) {
		t.Fatalf("pauses %v", paused)
	}
	m = TrayMenu(service.State{Phase: service.Paused}, now, a)
	if got := labels(m); got[0] != "Paused until you resume" || got[2] != "Resume backups" {
		t.Fatalf("paused menu %q", got)
	}
	why := "Backups run only between 22:00 and 06:00; next at 22:00."
	m = TrayMenu(service.State{Phase: service.Waiting, Problem: why}, now, a)
	if got := labels(m); got[0] != why || got[2] != "Pause for 1 hour" {
		t.Fatalf("waiting menu %q", got)
	}
	if TrayIcon(service.Waiting, true).Name() != "tray-paused-dark.png" {
		t.Fatal("waiting does not show the paused icon")
	}
	m = TrayMenu(service.State{Phase: service.BackingUp}, now, a)
	if !m.Items[2].Disabled {
		t.Fatal("Back up now is offered while a backup runs")
	}
}

// trayRecorder stands in for the OS's tray, which a headless test has not.
type trayRecorder struct {
	mu    sync.Mutex
	icons []string
	menus []*fyne.Menu
}

func (r *trayRecorder) SetSystemTrayIcon(icon fyne.Resource) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.icons = append(r.icons, icon.Name())
}

func (r *trayRecorder) SetSystemTrayMenu(m *fyne.Menu) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.menus = append(r.menus, m)
}

func (r *trayRecorder) last() (string, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.menus) == 0 {
		return "", ""
	}
	return r.icons[len(r.icons)-1], r.menus[len(r.menus)-1].Items[0].Label
}

// The tray follows a real service backing up a real archive.
func TestTrayFollowsTheService(t *testing.T) {
	test.NewTempApp(t)
	a := uitest.NewDevice(t)
	a.Dev.AddFiles(a.UserHome)
	svc := service.New(a.Dev)
	rec := &trayRecorder{}
	tray := newTray(rec, svc, TrayActions{}, func() bool { return true }, nil)
	defer tray.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); svc.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	uitest.WaitFor(t, "the tray to say the files are safe", func() bool {
		icon, text := rec.last()
		return icon == "tray-idle-dark.png" && len(text) > len("Safe as of ") && text[:11] == "Safe as of "
	})
	svc.Pause(0)
	uitest.WaitFor(t, "the tray to say paused", func() bool {
		icon, text := rec.last()
		return icon == "tray-paused-dark.png" && text == "Paused until you resume"
	})
}

func TestTrayIconsExistForEveryPhase(t *testing.T) {
	for p := service.Idle; p <= service.Waiting; p++ {
		for _, dark := range []bool{false, true} {
			if r := TrayIcon(p, dark); len(r.Content()) == 0 {
				t.Fatalf("phase %d: empty icon", p)
			}
		}
	}
}
