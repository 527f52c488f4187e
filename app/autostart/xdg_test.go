//go:build !windows && !darwin

package autostart

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configHome points XDG_CONFIG_HOME at a new folder and returns where the
// entry goes.
func configHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("XDG_CONFIG_DIRS", filepath.Join(t.TempDir(), "xdg")) // no system entry
	t.Setenv("APPIMAGE", "")
	return filepath.Join(dir, "autostart", "org.cairnbackup.cairn.desktop")
}

// execLine is the entry's Exec line.
func execLine(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Exec="); ok {
			return v
		}
	}
	t.Fatalf("no Exec line in\n%s", b)
	return ""
}

func TestEnableWritesAnEntryThatStartsHidden(t *testing.T) {
	path := configHome(t)
	dir := filepath.Join(t.TempDir(), "My Programs")
	os.MkdirAll(dir, 0o755)
	exe := filepath.Join(dir, "cairn")
	os.WriteFile(exe, nil, 0o755)
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	if want := `"` + exe + `" --hidden`; execLine(t, path) != want {
		t.Errorf("Exec=%s, want Exec=%s", execLine(t, path), want)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"[Desktop Entry]\n", "Type=Application\n", "Name=Cairn\n", "X-GNOME-Autostart-enabled=true\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the entry lacks %q:\n%s", want, b)
		}
	}
	if !Enabled() {
		t.Error("not enabled after Enable")
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the entry is still there: %v", err)
	}
	if Enabled() {
		t.Error("enabled after Disable")
	}
	if err := Disable(); err != nil {
		t.Errorf("a second Disable: %v", err)
	}
}

func TestEnableFollowsSymlinksAndTakesArgs(t *testing.T) {
	path := configHome(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "cairn-0.1")
	os.WriteFile(real, nil, 0o755)
	link := filepath.Join(dir, "cairn")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	if err := Enable(link, "--home", "/srv/cairn home"); err != nil {
		t.Fatal(err)
	}
	if got, want := execLine(t, path), real+` --hidden --home "/srv/cairn home"`; got != want {
		t.Errorf("Exec=%s, want Exec=%s", got, want)
	}
}

func TestExecQuotingFollowsTheDesktopEntrySpec(t *testing.T) {
	cases := []struct{ arg, want string }{
		{"/usr/bin/cairn", `/usr/bin/cairn`},
		{"/opt/My Apps/cairn", `"/opt/My Apps/cairn"`},
		{`/opt/a"b`, `"/opt/a\\"b"`},
		{"/opt/$HOME/`x`", "\"/opt/\\\\$HOME/\\\\`x\\\\`\""},
		{`/opt/back\slash`, `"/opt/back\\\\slash"`},
		{"/opt/100%", `/opt/100%%`},
		{"/opt/it's", `"/opt/it's"`},
		{"", `""`},
	}
	for _, c := range cases {
		if got := execValue([]string{c.arg}); got != c.want {
			t.Errorf("%q: Exec=%s, want Exec=%s", c.arg, got, c.want)
		}
	}
}

func TestSyncIsIdempotent(t *testing.T) {
	path := configHome(t)
	exe, err := program("")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := Sync(true); err != nil {
			t.Fatal(err)
		}
		if !Enabled() {
			t.Fatal("Sync(true) did not enable")
		}
	}
	if got := execLine(t, path); !strings.HasPrefix(got, strings.Fields(execValue([]string{exe}))[0]) ||
		!strings.HasSuffix(got, " --hidden") {
		t.Errorf("Exec=%s does not run %s --hidden", got, exe)
	}
	info, _ := os.Stat(path)
	if err := Sync(true); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.Stat(path); !again.ModTime().Equal(info.ModTime()) || !os.SameFile(info, again) {
		t.Error("Sync(true) rewrote an entry that was right")
	}
	for range 2 {
		if err := Sync(false); err != nil {
			t.Fatal(err)
		}
		if Enabled() {
			t.Fatal("Sync(false) did not disable")
		}
	}
}

func TestTurnedOffInTheDesktopsSettings(t *testing.T) {
	path := configHome(t)
	if err := Enable("/usr/bin/cairn"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false", 1)), 0o644)
	if Enabled() {
		t.Error("an entry the desktop turned off reads as enabled")
	}
	if err := Sync(true); err != nil || !Enabled() {
		t.Errorf("Sync(true) did not turn it back on: %v", err)
	}
}

func TestAppImageStartsTheImage(t *testing.T) {
	path := configHome(t)
	image := filepath.Join(t.TempDir(), "Cairn.AppImage")
	os.WriteFile(image, nil, 0o755)
	t.Setenv("APPIMAGE", image)
	if err := Sync(true); err != nil {
		t.Fatal(err)
	}
	if got, want := execLine(t, path), image+" --hidden"; got != want {
		t.Errorf("Exec=%s, want Exec=%s", got, want)
	}
}

// TestPackagesSystemEntry: with the packages' system-wide entry, turning
// start at login off hides it for this person, on again replaces it with
// this person's (never two starts), and an old entry name goes away.
func TestPackagesSystemEntry(t *testing.T) {
	path := configHome(t)
	sys := filepath.Join(t.TempDir(), "etc-xdg")
	t.Setenv("XDG_CONFIG_DIRS", sys)
	os.MkdirAll(filepath.Join(sys, "autostart"), 0o755)
	os.WriteFile(filepath.Join(sys, "autostart", "org.cairnbackup.cairn.desktop"),
		[]byte("[Desktop Entry]\nType=Application\nName=Cairn\nExec=cairn --hidden\n"), 0o644)
	legacy := filepath.Join(filepath.Dir(path), "cairn.desktop")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(legacy, []byte("[Desktop Entry]\nExec=/old/cairn --hidden\n"), 0o644)
	if !Enabled() {
		t.Fatal("the system entry starts Cairn, yet Enabled says no")
	}
	if err := Sync(false); err != nil {
		t.Fatal(err)
	}
	if Enabled() {
		t.Fatal("still enabled after turning it off")
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "Hidden=true") {
		t.Fatalf("the system entry is not hidden for this person:\n%s", b)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Fatal("the old entry is still there: Cairn would start twice")
	}
	if err := Sync(true); err != nil {
		t.Fatal(err)
	}
	if !Enabled() || !strings.Contains(execLine(t, path), "--hidden") {
		t.Fatal("turned on again, this person's entry does not start Cairn hidden")
	}
}

func TestTransientPlacesAreRefused(t *testing.T) {
	configHome(t)
	for _, exe := range []string{"/Volumes/Cairn 0.1.0/Cairn.app/Contents/MacOS/cairn",
		"/private/var/folders/x/AppTranslocation/1234/d/Cairn.app/Contents/MacOS/cairn"} {
		if err := Enable(exe); !errors.Is(err, ErrTransient) {
			t.Errorf("%s: %v", exe, err)
		}
	}
	if Enabled() {
		t.Fatal("an entry was written for a program that will not be there")
	}
}
