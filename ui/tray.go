package ui

import (
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/cairnbackup/cairn/assets"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/words"
)

// TrayActions are what the tray menu's items do; the app wires them.
type TrayActions struct {
	BackupNow   func()
	Pause       func(d time.Duration) // 0: until resumed
	Resume      func()
	GetFiles    func()
	ManageFiles func()
	Open        func()
	Quit        func()
}

// StateSource is the service as the tray sees it.
type StateSource interface {
	State() service.State
	Subscribe(fn func(service.State)) (cancel func())
}

// TrayHost is where the tray shows: the desktop app (desktop.App).
type TrayHost interface {
	SetSystemTrayIcon(icon fyne.Resource)
	SetSystemTrayMenu(menu *fyne.Menu)
}

// Tray keeps the system tray's icon, tooltip and menu in step with the
// service. It sets them again only when what they show changes: a tray
// menu rebuilt many times a second costs CPU, and the OS's tray loses
// track of its items (Quit then fails with "no menu item with ID").
type Tray struct {
	app     TrayHost
	actions TrayActions
	now     func() time.Time
	dark    func() bool
	tooltip func(string) // nil: the platform shows none

	mu        sync.Mutex
	last      service.State
	lastShown time.Time
	pending   bool
	stopped   bool
	cancel    func()

	shown string // what the tray shows now (trayKey), on the app's goroutine
}

// NewTray shows Cairn in the system tray of a, when the platform has one
// (ok is false otherwise), and follows src until Stop. tooltip sets the
// tray icon's tooltip (nil: none; Fyne has no call for it, the app gives
// systray's).
func NewTray(a fyne.App, src StateSource, actions TrayActions, tooltip func(string)) (t *Tray, ok bool) {
	da, ok := a.(desktop.App)
	if !ok {
		return nil, false
	}
	t = newTray(da, src, actions, func() bool { return a.Settings().ThemeVariant() == theme.VariantDark }, tooltip)
	return t, true
}

func newTray(host TrayHost, src StateSource, actions TrayActions, dark func() bool, tooltip func(string)) *Tray {
	t := &Tray{app: host, actions: actions, now: time.Now, dark: dark, tooltip: tooltip}
	// The first state is shown at once, on the caller's goroutine (the
	// app's, before it runs): Fyne registers a tray only if it was set
	// before the app started. Later states go through update.
	st := src.State()
	t.last, t.lastShown = st, t.now()
	t.apply(st)
	unsubscribe := src.Subscribe(t.update)
	stopClock := words.EveryMinute(func() { t.show(t.lastState()) }) // the words follow the time of day
	t.cancel = func() { unsubscribe(); stopClock() }
	return t
}

func (t *Tray) lastState() service.State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// Reshow sets the tray again with the last state, even if it did not
// change: for a platform that ignored what was set before its tray ran.
func (t *Tray) Reshow() {
	t.mu.Lock()
	st := t.last
	t.mu.Unlock()
	t.shown = ""
	t.apply(st)
}

// Stop stops following the service; nothing is set on the tray after it
// returns but what was already handed to the app's goroutine.
func (t *Tray) Stop() {
	t.cancel()
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
}

// update applies a new state, at most a few times a second: progress
// comes often, and rebuilding a tray menu is not free.
func (t *Tray) update(st service.State) {
	t.mu.Lock()
	phaseChanged := st.Phase != t.last.Phase
	t.last = st
	if !phaseChanged && t.now().Sub(t.lastShown) < time.Second {
		if !t.pending {
			t.pending = true
			time.AfterFunc(time.Second, func() {
				t.mu.Lock()
				t.pending = false
				st := t.last
				t.mu.Unlock()
				t.show(st)
			})
		}
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.show(st)
}

func (t *Tray) show(st service.State) {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	t.lastShown = t.now()
	t.mu.Unlock()
	fyne.Do(func() { t.apply(st) })
}

// apply sets the tray's icon, tooltip and menu when what they show
// changed; it runs on the app's goroutine.
func (t *Tray) apply(st service.State) {
	now, dark := t.now(), t.dark()
	key := trayKey(st, now, dark)
	if key == t.shown {
		return
	}
	t.shown = key
	t.app.SetSystemTrayIcon(TrayIcon(st.Phase, dark))
	if t.tooltip != nil {
		t.tooltip(TrayTooltip(st, now))
	}
	t.app.SetSystemTrayMenu(TrayMenu(st, now, t.actions))
}

// trayKey sums up what the tray shows for a state: the icon, the words
// and which items the menu has.
func trayKey(st service.State, now time.Time, dark bool) string {
	return fmt.Sprint(TrayIcon(st.Phase, dark).Name(), "\x00", words.State(st, now), "\x00", st.Phase)
}

// TrayTooltip is the tray icon's tooltip: "Cairn: safe as of 14:02".
func TrayTooltip(st service.State, now time.Time) string {
	return "Cairn: " + words.State(st, now) // the app's name, then the state in the language shown
}

// TrayMenu is the tray's menu for a state: the state in words, then the
// actions, with Pause or Resume as fits.
func TrayMenu(st service.State, now time.Time, a TrayActions) *fyne.Menu {
	status := fyne.NewMenuItem(words.State(st, now), nil)
	status.Disabled = true
	backup := fyne.NewMenuItem(lang.L("Back up now"), a.BackupNow)
	backup.Disabled = st.Phase == service.BackingUp || st.Phase == service.Setup
	var pause []*fyne.MenuItem
	if st.Phase == service.Paused {
		pause = []*fyne.MenuItem{fyne.NewMenuItem(lang.L("Resume backups"), a.Resume)}
	} else {
		for _, c := range words.PauseChoices() { // the same as the window's
			pause = append(pause, fyne.NewMenuItem(c.Label, func() { a.Pause(c.For) }))
		}
	}
	quit := fyne.NewMenuItem(lang.L("Quit Cairn"), a.Quit)
	quit.IsQuit = true
	items := []*fyne.MenuItem{status, fyne.NewMenuItemSeparator(), backup}
	items = append(items, pause...)
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Get Files…"), a.GetFiles),
		fyne.NewMenuItem(lang.L("Manage Files…"), a.ManageFiles),
		fyne.NewMenuItem(lang.L("Open Cairn"), a.Open),
		fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMenu("Cairn", items...)
}

// TrayIcon is the icon for a phase, drawn for a dark or a light panel.
func TrayIcon(p service.Phase, dark bool) fyne.Resource {
	name := map[service.Phase]string{service.Idle: "idle", service.BackingUp: "backup", service.Paused: "paused",
		service.Offline: "offline", service.Attention: "attention", service.Setup: "attention",
		service.Waiting: "paused"}[p]
	variant := "light"
	if dark {
		variant = "dark"
	}
	return Asset(fmt.Sprintf("tray-%s-%s.png", name, variant))
}

// Asset is one of the app's images.
func Asset(name string) fyne.Resource {
	b, err := assets.Files.ReadFile(name)
	if err != nil {
		panic(err) // the names are ours, and embedded
	}
	return fyne.NewStaticResource(name, b)
}
