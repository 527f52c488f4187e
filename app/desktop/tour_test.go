//go:build gui

package desktop

import (
	"flag"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui"
	"github.com/cairnbackup/cairn/ui/words"
)

// The tour runs the real app, in a real window (under Xvfb on CI), through
// first run, Home, Manage Files, Get Files with a file's versions open,
// Settings and the replace-device wizard, photographing each screen.
// `make screenshots` writes the pictures to docs/screenshots; `make test`
// runs it into a temporary folder, so the real window is tested too.
//
//	dbus-run-session -- xvfb-run -a go test -tags gui ./app/desktop -shots docs/screenshots

var (
	shotsDir = flag.String("shots", "", "write the screenshots into this folder (default: a temporary one)")
	tourLang = flag.String("lang", "en", "the language the app speaks on the tour (en, sv, de)")
)

var fyneApp fyne.App

// TestMain runs the app's event loop on the main thread, as a real app
// does, and the tests beside it.
func TestMain(m *testing.M) {
	flag.Parse()
	os.Setenv("LANG", "en_US.UTF-8")
	if err := ui.LoadTranslations(*tourLang); err != nil {
		panic(err)
	}
	fyneApp = app.NewWithID(AppID + ".tour")
	fyneApp.Settings().SetTheme(theme.LightTheme()) //nolint:staticcheck // fixed look for the pictures
	// As in the real app, the tray is set before the app runs, so Fyne
	// registers it on the session bus when it starts.
	if desk, ok := fyneApp.(desktop.App); ok {
		desk.SetSystemTrayMenu(fyne.NewMenu("Cairn"))
	}
	code := 0
	go func() {
		code = m.Run()
		fyne.Do(fyneApp.Quit)
	}()
	fyneApp.Run()
	os.Exit(code)
}

// tourApp is one computer running Cairn.
type tourApp struct {
	*App
	home string
	ago  atomic.Int64 // how far in the past the versions it records are stamped
}

// at makes the next versions look recorded d ago, so Get Files shows a
// history of days rather than of seconds.
func (a *tourApp) at(d time.Duration) { a.ago.Store(int64(d)) }

func startApp(t *testing.T, root, user string, populated bool) *tourApp {
	t.Helper()
	home := filepath.Join(root, "home", user)
	if populated {
		var err error
		if home, err = newDemoHome(root, user); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	ta := &tourApp{home: home}
	clock := func() time.Time { return time.Now().Add(-time.Duration(ta.ago.Load())) }
	dev, err := device.Open(filepath.Join(root, "cairn-"+user), device.Options{UserHome: home, Now: clock,
		// The tour runs in a D-Bus session where a keyring may answer: keep
		// its keys in a private folder, not in the person's keyring.
		Secrets: secrets.Folder(filepath.Join(root, "secrets-"+user))})
	if err != nil {
		t.Fatal(err)
	}
	var a *App
	fyne.DoAndWait(func() {
		a = New(fyneApp, dev, Options{UserHome: home, KDF: crypt.TestKDF, NoAutostart: true})
		a.Start()
		a.Window().Resize(fyne.NewSize(960, 680))
	})
	t.Cleanup(func() {
		fyne.DoAndWait(a.Window().Hide)
		a.shutdown()
	})
	ta.App = a
	return ta
}

func (a *tourApp) show(page string) { fyne.DoAndWait(func() { a.Shell().Show(page) }) }

// waitSafe waits until a pass that started after since has finished.
func waitSafe(t *testing.T, s *service.Service, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for st := s.State(); !(st.Phase == service.Idle && st.LastSafe.After(since)); st = s.State() {
		if time.Now().After(deadline) {
			t.Fatalf("no backup finished; state %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTour(t *testing.T) {
	dir := *shotsDir
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	drive := filepath.Join(root, "media", "Backup drive", "Cairn")

	// First run: a new computer, backed up to an external drive.
	ana := startApp(t, root, "ana", true)
	w := ana.Window()
	shot(t, w, dir, "first-run")
	tap(t, w, "Get started")
	tap(t, w, "New computer")
	fill(t, w, "Folder", drive)
	fill(t, w, "Name", "Backup drive")
	fill(t, w, "Archive password", "correct horse battery staple")
	fill(t, w, "Type it again", "correct horse battery staple")
	shot(t, w, dir, "first-run-drive")
	ana.at(20 * 24 * time.Hour)
	started := time.Now()
	tap(t, w, "Add")
	waitSafe(t, ana.Service(), started)

	// Work goes on: the thesis changes, a letter is deleted.
	thesis := filepath.Join(ana.home, "Documents", "Thesis", "chapter1-introduction.tex")
	for _, step := range []struct {
		ago  time.Duration
		text string
	}{
		{6 * 24 * time.Hour, "Why backups fail people, and what to do.\n"},
		{26 * time.Hour, "Why backups fail people, and what to do about it.\n"},
		{2 * time.Hour, "Why backups fail people, and what we can do about it.\n\\section{Outline}\n"},
	} {
		os.WriteFile(thesis, []byte("\\chapter{Introduction}\n"+step.text), 0o644)
		if step.ago < 24*time.Hour {
			os.Remove(filepath.Join(ana.home, "Documents", "Letters", "bank.pdf"))
		}
		ana.at(step.ago)
		started = time.Now()
		ana.Service().BackupNow()
		waitSafe(t, ana.Service(), started)
	}
	ana.at(0)
	ana.show("home")
	waitFor(t, w, "the state line", func(l *widget.Label) bool {
		return l.Text == words.State(ana.Service().State(), time.Now()) && ana.Service().State().Phase == service.Idle
	})
	shot(t, w, dir, "home")

	ana.show("managefiles")
	waitFor(t, w, "the Documents folder", showsExactly("Documents"))
	shot(t, w, dir, "manage-files")

	ana.show("getfiles")
	openBranches(t, w, ana.home, "Documents", "Documents/Thesis")
	waitFor(t, w, "the thesis", showsExactly("chapter1-introduction.tex"))
	shot(t, w, dir, "get-files")
	tapRowButton(t, w, "chapter1-introduction.tex", theme.HistoryIcon())
	waitFor(t, w, "the versions", func(l *widget.Label) bool {
		return l.Text == words.Count(4, "{{.Count}} versions, newest first. Choose one to restore it.")
	})
	shot(t, w, dir, "get-files-versions")
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	ana.show("settings")
	waitFor(t, w, "the destinations", showsExactly("Backup drive"))
	shot(t, w, dir, "settings")

	// Paused: the state says until when, and how many changes wait.
	ana.Service().Pause(4 * time.Hour)
	os.WriteFile(filepath.Join(ana.home, "Documents", "written while paused.txt"), []byte("later"), 0o644)
	ana.show("home")
	waitFor(t, w, "the paused state", func(l *widget.Label) bool {
		st := ana.Service().State()
		return st.ChangesWaiting > 0 && l.Text == words.State(st, time.Now())
	})
	shot(t, w, dir, "home-paused")
	ana.shutdown() // the old laptop is stolen

	// The replace-device wizard on the new computer.
	bob := startApp(t, root, "bob", false)
	w = bob.Window()
	tap(t, w, "Get started")
	tap(t, w, "Replace a computer")
	radio := waitFor(t, w, "the choice of place", func(r *widget.RadioGroup) bool { return len(r.Options) == 2 })
	fyne.DoAndWait(func() { radio.SetSelected(lang.L("To a folder or an external drive")) })
	fill(t, w, "Folder", drive)
	shot(t, w, dir, "replace-where")
	tap(t, w, "Next")
	fill(t, w, "Backup password", "correct horse battery staple")
	tap(t, w, "Next")
	tap(t, w, "Replace it")
	waitFor(t, w, "what to bring over", func(c *widget.Check) bool { return c.Text == lang.L("Exclusions") })
	shot(t, w, dir, "replace-choose")
	tap(t, w, "Next")
	waitFor(t, w, "the summary", button("Finish"))
	shot(t, w, dir, "replace-summary")
	started = time.Now()
	tap(t, w, "Finish")
	waitSafe(t, bob.Service(), started)
	if _, err := os.Stat(filepath.Join(bob.home, "Documents", "Thesis", "chapter1-introduction.tex")); err != nil {
		t.Fatalf("the thesis did not come over: %v", err)
	}
}

// openBranches opens folders of the Get Files tree (relative to home).
func openBranches(t *testing.T, w fyne.Window, home string, rels ...string) {
	t.Helper()
	tree := waitFor(t, w, "the tree", func(*widget.Tree) bool { return true })
	for _, rel := range rels {
		p, _ := device.ArchivePath(filepath.Join(home, rel))
		waitFor(t, w, rel, shows(filepath.Base(rel)))
		fyne.DoAndWait(func() { tree.OpenBranch(p) })
	}
}

// tapRowButton taps the button with icon in the row that names name: the
// smallest part of the window holding both.
func tapRowButton(t *testing.T, w fyne.Window, name string, icon fyne.Resource) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var target *widget.Button
		fyne.DoAndWait(func() {
			for _, r := range roots(w) {
				if _, _, target = rowButton(r, name, icon.Name()); target != nil {
					return
				}
			}
		})
		if target != nil {
			fyne.DoAndWait(func() { target.OnTapped() })
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no row of %s with its button", name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func rowButton(o fyne.CanvasObject, name, icon string) (hasName bool, buttons []*widget.Button, found *widget.Button) {
	if o == nil || !o.Visible() {
		return false, nil, nil
	}
	for _, k := range children(o) {
		hn, bs, f := rowButton(k, name, icon)
		if f != nil {
			return true, nil, f
		}
		hasName = hasName || hn
		buttons = append(buttons, bs...)
	}
	switch x := o.(type) {
	case *widget.Label:
		hasName = hasName || x.Text == name
	case *widget.Button:
		if x.Icon != nil && x.Icon.Name() == icon {
			buttons = append(buttons, x)
		}
	}
	if hasName && len(buttons) == 1 {
		found = buttons[0]
	}
	return hasName, buttons, found
}
