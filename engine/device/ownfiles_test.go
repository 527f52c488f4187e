package device

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// The old computer's home holds an earlier Cairn's folder, Cairn's
// autostart entries and caches, all in its archive. Bringing the whole home
// over to a computer with its own Cairn leaves the new one's untouched: no
// file of it is replaced, none is moved aside, and the old ones do not
// appear next to them, while everything else comes over.
func TestReplaceLeavesCairnsOwnFilesAlone(t *testing.T) {
	old := newFixture(t)
	testtree.Write(t, old.src, map[string]testtree.Node{
		"Documents/a.txt":                                     {Data: "mine"},
		".config/cairn/config.json":                           {Data: "old config"},
		".config/autostart/org.cairnbackup.cairn.desktop":     {Data: "Exec=/old/cairn --hidden"},
		".config/autostart/cairn.desktop":                     {Data: "Exec=/older/cairn --hidden"},
		".config/autostart/editor.desktop":                    {Data: "Exec=editor"},
		".config/fyne/org.cairnbackup.cairn/preferences.json": {Data: "old prefs"},
		".cache/cairn/thumbs":                                 {Data: "old cache"},
	})
	if err := old.d.update(func(c *config.Config) error { c.Selection.Defaults = nil; return nil }); err != nil {
		t.Fatal(err) // so that ~/.cache is in the archive too
	}
	old.backup()
	old.d.Close()

	newHome := filepath.Join(t.TempDir(), "home", "bob")
	cairnHome := filepath.Join(newHome, ".config", "cairn")
	testtree.Write(t, newHome, map[string]testtree.Node{
		".config/autostart/org.cairnbackup.cairn.desktop": {Data: "Exec=/new/cairn --hidden"},
		".cache/cairn/thumbs":                             {Data: "new cache"},
	})
	d, err := Open(cairnHome, Options{UserHome: newHome})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatal(err)
	}
	archived := filepath.ToSlash(old.path(".config/autostart/org.cairnbackup.cairn.desktop"))
	if _, ok, _ := d.Lookup(ctx, "", archived, index.View{At: index.Latest}); !ok {
		t.Fatal("the old autostart entry is not in the archive: the test proves nothing")
	}

	if err := d.ChooseTransfer([]string{filepath.ToSlash(old.src)}, "", nil); err != nil {
		t.Fatal(err)
	}
	res, err := d.Transfer(ctx, TransferOptions{})
	if err != nil || len(res.Errors) > 0 || len(res.MovedAside) > 0 {
		t.Fatalf("transfer: moved aside %v, errors %v, %v", res.MovedAside, res.Errors, err)
	}

	for rel, want := range map[string]string{
		"Documents/a.txt":                                 "mine",
		".config/autostart/editor.desktop":                "Exec=editor",
		".config/autostart/org.cairnbackup.cairn.desktop": "Exec=/new/cairn --hidden",
		".cache/cairn/thumbs":                             "new cache",
	} {
		if got, err := os.ReadFile(filepath.Join(newHome, rel)); string(got) != want {
			t.Errorf("%s in the new home: %q, want %q (%v)", rel, got, want, err)
		}
	}
	if c, err := config.Load(cairnHome, "linux", filepath.ToSlash(newHome)); err != nil || c.Replace == nil || len(c.Destinations) != 1 {
		got, _ := os.ReadFile(filepath.Join(cairnHome, config.FileName))
		t.Errorf("the running Cairn's configuration was replaced (%v):\n%s", err, got)
	}
	assertNames(t, filepath.Join(newHome, ".config", "autostart"), "editor.desktop", "org.cairnbackup.cairn.desktop")
	assertNames(t, filepath.Join(newHome, ".cache", "cairn"), "thumbs")
	if _, err := os.Stat(filepath.Join(newHome, ".config", "fyne", "org.cairnbackup.cairn")); !os.IsNotExist(err) {
		t.Errorf("the old computer's app preferences came over: %v", err)
	}
}

// assertNames fails unless dir holds exactly the names want.
func assertNames(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

// Cairn's own places, on each system, against their neighbours.
func TestOwnFilesBySystem(t *testing.T) {
	cases := []struct {
		goos, home, cairn, path string
		own                     bool
	}{
		{"linux", "/home/ana", "", "/home/ana/.config/cairn/config.json", true},
		{"linux", "/home/ana", "", "/home/ana/.config/cairnish/notes", false},
		{"linux", "/home/ana", "", "/home/ana/.config/autostart/cairn-0.1.desktop", true},
		{"linux", "/home/ana", "", "/home/ana/.config/autostart/editor.desktop", false},
		{"linux", "/home/ana", "", "/home/ana/.config/Cairn/x", false},
		{"linux", "/home/ana", "/srv/cairn home", "/srv/cairn home/index/1", true},
		{"linux", "/home/ana", "", "/home/bob/.config/cairn/config.json", false},
		{"darwin", "/Users/ana", "", "/Users/ana/Library/LaunchAgents/org.cairnbackup.cairn.plist", true},
		{"darwin", "/Users/ana", "", "/Users/ana/Library/Application Support/Cairn/config.json", true},
		{"darwin", "/Users/ana", "", "/Users/ana/Library/LaunchAgents/com.example.plist", false},
		{"windows", "/C:/Users/ana", "", "/C:/Users/ana/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/Cairn.lnk", true},
		{"windows", "/C:/Users/ana", "", "/C:/Users/ana/appdata/roaming/CAIRN/config.json", true},
		{"windows", "/C:/Users/ana", "", "/C:/Users/ana/Documents/cairn/config.json", false},
		{"", "/Users/ana", "", "/Users/ana/Library/Application Support/cairn/keys/a", true}, // an archive without a profile
		{"", "", "", "/home/ana/.config/cairn/config.json", false},                          // nothing known
	}
	for _, c := range cases {
		o, err := newOwnFiles(c.goos, c.home, c.cairn)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.has(c.path); got != c.own {
			t.Errorf("%s, home %s: %s is Cairn's: %v, want %v", c.goos, c.home, c.path, got, c.own)
		}
	}
}

// Where the transfer writes an archive path: moved into this computer's
// home folder, or into a chosen folder under the chosen path's name.
func TestTransferTarget(t *testing.T) {
	home := &config.ReplaceState{OldHome: "/home/ana", Files: []string{"/home/ana"}}
	folder := &config.ReplaceState{OldHome: "/home/ana", Files: []string{"/home/ana/Documents", "/home/ana/.config"},
		FilesTo: "/home/bob/From ana"}
	cases := []struct {
		st         *config.ReplaceState
		path, want string
	}{
		{home, "/home/ana/.config/cairn", "/home/bob/.config/cairn"},
		{home, "/home/ana", "/home/bob"},
		{folder, "/home/ana/.config/cairn/config.json", "/home/bob/From ana/.config/cairn/config.json"},
		{folder, "/home/ana/Documents", "/home/bob/From ana/Documents"},
	}
	for _, c := range cases {
		if got := transferTarget(c.st, "/home/bob", c.path); got != c.want {
			t.Errorf("%s goes to %s, want %s", c.path, got, c.want)
		}
	}
}
