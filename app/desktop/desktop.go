// Package desktop wires Cairn's desktop app: the engine's device and
// service, the screens of ui/, the main window and the tray. It owns the
// app's lifecycle: closing the window leaves Cairn in the tray, Quit stops
// the backups cleanly and closes the index.
package desktop

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"fyne.io/systray"

	"github.com/cairnbackup/cairn/app/autostart"
	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui"
	"github.com/cairnbackup/cairn/ui/firstrun"
	"github.com/cairnbackup/cairn/ui/getfiles"
	"github.com/cairnbackup/cairn/ui/home"
	"github.com/cairnbackup/cairn/ui/managefiles"
	"github.com/cairnbackup/cairn/ui/settings"
)

// AppID is the app's unique ID (preferences, the single-instance lock).
const AppID = "org.cairnbackup.cairn"

// Options configure the app.
type Options struct {
	// Hidden starts in the tray without showing the window (at login).
	Hidden bool
	// UserHome is the person's home folder; default os.UserHomeDir.
	UserHome string
	// KDF is the cost of new archive passwords; default crypt.DefaultKDF.
	KDF crypt.KDFParams
	// Commands runs cairn commands sent to the app (nil: they are refused).
	Commands Commands
	// Home is the Cairn home when one was chosen (--home, CAIRN_HOME):
	// starting at login then passes it on. "" is the default home.
	Home string
	// NoAutostart leaves the login items alone (tests and the tour).
	NoAutostart bool
}

// App is the running desktop app.
type App struct {
	fyne   fyne.App
	dev    *device.Device
	svc    *service.Service
	opts   Options
	window fyne.Window

	shell *ui.Shell
	home  *home.Screen
	tray  *ui.Tray
	first *firstrun.Screen

	stop     context.CancelFunc
	stopped  chan struct{}
	stopOnce sync.Once
}

// Run opens Cairn's home folder and runs the app until the person quits.
func Run(cairnHome string, opts Options) error {
	if err := os.MkdirAll(cairnHome, 0o700); err != nil {
		return err
	}
	l, err := claim(cairnHome)
	if err != nil {
		return err
	}
	if l != nil {
		defer l.Close()
	}
	dev, err := device.Open(cairnHome, device.Options{UserHome: opts.UserHome})
	if err != nil {
		if errors.Is(err, engine.ErrLocked) {
			return fmt.Errorf("another Cairn program uses this computer's backup (a 'cairn' command?): wait for it to finish, then start Cairn again: %w", err)
		}
		return err
	}
	if err := ui.LoadTranslations(dev.Settings().Language); err != nil {
		fyne.LogError("load translations", err)
	}
	a := app.NewWithID(AppID)
	nameApp(a)
	d := New(a, dev, opts)
	d.Start()
	d.serve(l, opts.Commands)
	a.Run()
	d.shutdown()
	return nil
}

// New builds the app over an opened device; Start shows it.
func New(a fyne.App, dev *device.Device, opts Options) *App {
	if opts.UserHome == "" {
		opts.UserHome, _ = os.UserHomeDir()
	}
	if opts.KDF == (crypt.KDFParams{}) {
		opts.KDF = crypt.DefaultKDF
	}
	a.SetIcon(ui.Asset("icon.png"))
	svc := service.NewWithOptions(dev, service.Options{Alert: newNotifier(a),
		AlertMemory: filepath.Join(dev.Home(), "alerts.json")})
	d := &App{fyne: a, dev: dev, svc: svc, opts: opts, stopped: make(chan struct{})}
	d.window = a.NewWindow("Cairn")
	d.window.Resize(fyne.NewSize(960, 680))
	d.window.SetCloseIntercept(d.window.Hide) // the tray keeps Cairn running
	quit := fyne.NewMenuItem(lang.L("Quit Cairn"), d.Quit)
	quit.IsQuit = true
	d.window.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu(lang.L("Cairn"),
		fyne.NewMenuItem(lang.L("Back up now"), d.svc.BackupNow),
		fyne.NewMenuItem(lang.L("Close the window"), d.window.Hide),
		fyne.NewMenuItemSeparator(), quit)))
	return d
}

// nameApp names the app "Cairn" where no packaging did (a plain go build):
// Fyne titles the tray item with the app's name, else with its ID.
func nameApp(a fyne.App) {
	if m := a.Metadata(); m.Name == "" {
		m.ID, m.Name = AppID, "Cairn"
		app.SetMetadata(m)
	}
}

// Window is the main window.
func (d *App) Window() fyne.Window { return d.window }

// Shell is the main window's shell (nil during the first run).
func (d *App) Shell() *ui.Shell { return d.shell }

// Service is the backup service.
func (d *App) Service() *service.Service { return d.svc }

// Start runs the service, puts Cairn in the tray, and shows the first run
// or the main screens.
func (d *App) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	go func() {
		defer close(d.stopped)
		d.svc.Serve(ctx)
	}()
	d.syncAutostart()
	if tray, ok := ui.NewTray(d.fyne, d.svc, d.trayActions(), systray.SetTooltip); ok {
		d.tray = tray
		// Windows takes a tooltip only once its tray runs.
		d.fyne.Lifecycle().SetOnStarted(tray.Reshow)
	}
	c := d.dev.Config()
	if len(c.Destinations) == 0 || c.Replace != nil {
		d.showFirstRun()
	} else {
		d.showMain("home")
	}
	if !d.opts.Hidden || d.first != nil {
		d.window.Show()
	}
}

func (d *App) trayActions() ui.TrayActions {
	return ui.TrayActions{
		BackupNow:   d.svc.BackupNow,
		Pause:       d.svc.Pause,
		Resume:      d.svc.Resume,
		GetFiles:    func() { d.open("getfiles") },
		ManageFiles: func() { d.open("managefiles") },
		Open:        func() { d.open("") },
		Quit:        d.Quit,
	}
}

// open shows the window at a page ("" keeps the current one).
func (d *App) open(page string) {
	if d.shell != nil && page != "" {
		d.shell.Show(page)
	}
	d.window.Show()
	d.window.RequestFocus()
}

func (d *App) showFirstRun() {
	preset, _, err := config.LoadPreset(config.PresetPath(runtime.GOOS)) // IT's server and exclusions
	if err != nil {
		fyne.LogError("the organisation's preset is not used", err)
	}
	d.first = firstrun.New(d.window, firstrun.Deps{Engine: d.dev, KDF: d.opts.KDF, UserHome: d.opts.UserHome, Preset: preset,
		OnFinished: func() {
			d.first = nil
			d.showMain("home")
			d.svc.BackupNow()
		}})
	d.window.SetContent(d.first.Object())
	d.first.Shown()
}

// showMain builds the main screens (once) and shows a page.
func (d *App) showMain(page string) {
	if d.shell == nil {
		d.shell = ui.NewShell(d.pages(), d.svc)
	}
	d.window.SetContent(d.shell.Object())
	d.shell.Show(page)
}

func (d *App) pages() []ui.Page {
	w := d.window
	d.home = home.New(w, home.Deps{Device: d.dev, Service: d.svc,
		OpenManageFiles: func() { d.shell.Show("managefiles") },
		AddDestination:  func() { d.shell.Show("settings") }})
	archiveHome, _ := device.ArchivePath(d.opts.UserHome)
	get := getfiles.New(w, getfiles.Deps{Engine: d.dev, UserHome: archiveHome,
		Downloads: filepath.Join(d.opts.UserHome, "Downloads"), Desktop: filepath.Join(d.opts.UserHome, "Desktop"),
		OpenFolder: d.openFolder})
	manage := managefiles.New(w, managefiles.Deps{Engine: d.dev, UserHome: d.opts.UserHome, GOOS: runtime.GOOS})
	set := settings.New(w, settings.Deps{Engine: d.dev, KDF: d.opts.KDF, ScanNow: d.svc.BackupNow, Saved: d.settingsSaved,
		DestinationsChanged: func() {
			if len(d.dev.Config().Destinations) > 0 {
				d.svc.BackupNow()
			}
		}})
	return []ui.Page{
		{ID: "home", Title: lang.L("Home"), Icon: theme.HomeIcon(), Screen: d.home},
		{ID: "getfiles", Title: lang.L("Get Files"), Icon: theme.DownloadIcon(), Screen: get},
		{ID: "managefiles", Title: lang.L("Manage Files"), Icon: theme.FolderIcon(), Screen: manage},
		{ID: "settings", Title: lang.L("Settings"), Icon: theme.SettingsIcon(), Screen: set},
	}
}

// openFolder shows a folder in the system's file manager.
func (d *App) openFolder(path string) {
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if err := d.fyne.OpenURL(u); err != nil {
		fyne.LogError("open "+path, err)
	}
}

// Quit asks first (unsaved changes in the page in view, then whether
// backups may stop: closing the window keeps them going), then stops.
func (d *App) Quit() {
	d.window.Show()
	d.window.RequestFocus()
	if d.shell == nil { // the first run: nothing is backed up yet
		d.stopAndQuit()
		return
	}
	d.shell.Leave(func() {
		confirm := dialog.NewConfirm(lang.L("Quit Cairn?"), quitWords(), func(ok bool) {
			if ok {
				d.stopAndQuit()
			}
		}, d.window)
		confirm.SetConfirmText(lang.L("Quit"))
		confirm.SetDismissText(lang.L("Keep backing up"))
		confirm.Show()
	})
}

// quitWords says what quitting means: protection stops until Cairn runs
// again.
func quitWords() string {
	return lang.L("Backups stop until Cairn starts again: changes you make meanwhile are not protected. " +
		"To keep backing up in the background, close the window instead.")
}

// stopAndQuit stops the backups (what they finished is kept), closes the
// index and ends the app.
func (d *App) stopAndQuit() {
	d.window.SetContent(container.NewCenter(widget.NewLabel(lang.L("Stopping Cairn…"))))
	go func() {
		d.shutdown()
		fyne.Do(d.fyne.Quit)
	}()
}

// shutdown stops the service and closes the device; safe to call twice.
func (d *App) shutdown() {
	d.stopOnce.Do(func() {
		if d.stop == nil {
			return // never started
		}
		d.stop()
		if d.tray != nil {
			d.tray.Stop()
		}
		if d.shell != nil {
			d.shell.Stop()
		}
		if d.home != nil {
			d.home.Close()
		}
		select {
		case <-d.stopped:
			d.dev.Close()
		case <-time.After(30 * time.Second):
			// The index recovers from not being closed; closing it under a
			// running pass would not be safe.
			fyne.LogError("the backup did not stop within 30 s; leaving without closing the index", nil)
		}
	})
}

// syncAutostart makes starting at login match the setting (on by default).
// The tour and tests run with Options.NoAutostart: they must not touch the
// person's login items.
func (d *App) syncAutostart() {
	if err := d.startAtLogin(); err != nil {
		fyne.LogError("start at login", err)
	}
}

// settingsSaved follows the saved settings at once; starting at login that
// cannot be set up is said where the person just asked for it.
func (d *App) settingsSaved() {
	if err := d.startAtLogin(); errors.Is(err, autostart.ErrTransient) {
		dialog.ShowInformation(lang.L("Start at login"),
			lang.L("Cairn runs from a disk image or a temporary copy, so it cannot start at login from there. Move it to Applications, start it from there, and turn this on again."), d.window)
	} else if err != nil {
		fyne.LogError("start at login", err)
	}
}

// startAtLogin makes the login item match the setting.
func (d *App) startAtLogin() error {
	if d.opts.NoAutostart {
		return nil
	}
	var err error
	switch want := d.dev.Settings().StartAtLogin; {
	case want && d.opts.Home != "":
		if autostart.Enabled() {
			return nil
		}
		err = autostart.Enable("", "--home", d.opts.Home)
	default:
		err = autostart.Sync(want)
	}
	if errors.Is(err, autostart.ErrNotSupported) {
		return nil
	}
	return err
}
