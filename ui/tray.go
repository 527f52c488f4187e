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

// Tray keeps the system tray's icon and menu in step with the service.
type Tray struct {
	app     TrayHost
	actions TrayActions
	now     func() time.Time
	dark    func() bool

	mu        sync.Mutex
	last      service.State
	lastShown time.Time
	pending   bool
	cancel    func()
}

// NewTray shows Cairn in the system tray of a, when the platform has one
// (ok is false otherwise), and follows src until Stop.
func NewTray(a fyne.App, src StateSource, actions TrayActions) (t *Tray, ok bool) {
	da, ok := a.(desktop.App)
	if !ok {
		return nil, false
	}
	return newTray(da, src, actions, func() bool { return a.Settings().ThemeVariant() == theme.VariantDark }), true
}

func newTray(host TrayHost, src StateSource, actions TrayActions, dark func() bool) *Tray {
	t := &Tray{app: host, actions: actions, now: time.Now, dark: dark}
	// The first state is shown at once, on the caller's goroutine (the
	// app's, before it runs): Fyne registers a tray only if it was set
	// before the app started. Later states go through update.
	st := src.State()
	t.last, t.lastShown = st, t.now()
	t.apply(st)
	t.cancel = src.Subscribe(t.update)
	return t
}

// Stop stops following the service.
func (t *Tray) Stop() { t.cancel() }

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
	t.lastShown = t.now()
	t.mu.Unlock()
	fyne.Do(func() { t.apply(st) })
}

// apply sets the tray's icon and menu; it runs on the app's goroutine.
func (t *Tray) apply(st service.State) {
	t.app.SetSystemTrayIcon(TrayIcon(st.Phase, t.dark()))
	t.app.SetSystemTrayMenu(TrayMenu(st, t.now(), t.actions))
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
		pause = []*fyne.MenuItem{
			fyne.NewMenuItem(lang.L("Pause for 1 hour"), func() { a.Pause(time.Hour) }),
			fyne.NewMenuItem(lang.L("Pause until resumed"), func() { a.Pause(0) }),
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
