package device

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// oldComputer is a computer that backed up to a drive and was lost.
func oldComputer(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	testtree.Write(t, f.src, map[string]testtree.Node{
		"Documents/thesis.tex": {Data: "chapter one"}, "Documents/data.csv": {Data: "1,2,3"},
		"Photos/cat.jpg": {Data: "meow"}, "notes.txt": {Data: "remember"}, "scratch.tmp": {Data: "x"}})
	if err := f.d.Exclude("*.tmp", filepath.ToSlash(f.path("Photos/raw"))); err != nil {
		t.Fatal(err)
	}
	s := f.d.Settings()
	s.BackupEvery = time.Hour
	if err := f.d.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	f.backup()
	f.d.Close()
	return f
}

// newComputer opens a fresh device with its own home folder.
func newComputer(t *testing.T, home string) *Device {
	t.Helper()
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := Open(filepath.Join(t.TempDir(), "cairn"), Options{UserHome: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// A new computer under another user name takes over a drive: the chosen
// folders land in their places in the new home, the settings follow, and
// no backup runs until the wizard is finished.
func TestReplaceFromADriveIntoAnotherHome(t *testing.T) {
	old := oldComputer(t)
	newHome := filepath.Join(t.TempDir(), "home", "bob")
	d := newComputer(t, newHome)

	if _, err := d.AdoptFolder(ctx, "drive", filepath.Join(old.dir, "nowhere"), password); err == nil {
		t.Fatal("adopted a folder without an archive")
	}
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatal(err)
	}
	st := d.Replacing()
	if st == nil || st.OldHome != filepath.ToSlash(old.src) || st.Step != config.ReplaceChoose {
		t.Fatalf("replace state %+v", st)
	}
	if _, err := d.Backup(ctx, "", BackupOptions{}); !errors.Is(err, ErrReplacing) {
		t.Fatalf("backup during the wizard: %v", err)
	}
	docs := filepath.ToSlash(old.path("Documents"))
	if err := d.ChooseTransfer([]string{docs}, "", []string{TransferSelection, TransferExclusions, TransferFrequency}); err != nil {
		t.Fatal(err)
	}
	res, err := d.Transfer(ctx, TransferOptions{})
	if err != nil || len(res.Errors) > 0 || res.Files != 2 {
		t.Fatalf("transfer: %+v %v", res, err)
	}
	got, _ := os.ReadFile(filepath.Join(newHome, "Documents", "thesis.tex"))
	if string(got) != "chapter one" {
		t.Fatalf("thesis in the new home: %q", got)
	}
	if _, err := os.Stat(filepath.Join(newHome, "Photos")); !os.IsNotExist(err) {
		t.Fatalf("Photos was not chosen but is there: %v", err)
	}
	c := d.Config()
	if !slices.Equal(c.Selection.Include, []string{filepath.ToSlash(newHome)}) {
		t.Fatalf("selection not moved to the new home: %v", c.Selection.Include)
	}
	if !slices.Contains(c.Selection.Exclude, "*.tmp") || !slices.Contains(c.Selection.Exclude, filepath.ToSlash(filepath.Join(newHome, "Photos", "raw"))) {
		t.Fatalf("exclusions: %v", c.Selection.Exclude)
	}
	if time.Duration(c.BackupEvery) != time.Hour {
		t.Fatalf("frequency not brought over: %v", c.BackupEvery)
	}
	// Running the transfer again (resuming) writes nothing twice.
	if res, err := d.Transfer(ctx, TransferOptions{}); err != nil || res.AlreadyThere != 2 || len(res.MovedAside) != 0 {
		t.Fatalf("resumed transfer: %+v %v", res, err)
	}
	if err := d.FinishReplace(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	// The old computer's photos are still in the archive, where they were.
	if e, ok, _ := d.Lookup(ctx, "", filepath.ToSlash(old.path("Photos/cat.jpg")), index.View{At: index.Latest}); !ok || e.DeletedAt != 0 {
		t.Fatalf("old photo after the first backup: %+v %v", e, ok)
	}
	if _, ok, _ := d.Lookup(ctx, "", filepath.ToSlash(filepath.Join(newHome, "Documents", "thesis.tex")), index.View{At: index.Latest}); !ok {
		t.Fatal("the transferred thesis was not backed up from the new home")
	}
}

// With the same home folder (the same user name), files not brought over
// are missing from folders the new computer backs up: they must not be
// recorded deleted, while the new computer's own deletions are.
func TestReplaceKeepsWhatWasNotBroughtOver(t *testing.T) {
	old := oldComputer(t)
	if err := os.RemoveAll(old.src); err != nil { // a new disk, same user name
		t.Fatal(err)
	}
	d := newComputer(t, old.src)
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatal(err)
	}
	if err := d.ChooseTransfer([]string{filepath.ToSlash(old.path("Documents"))}, "", []string{TransferSelection}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Transfer(ctx, TransferOptions{}); err != nil {
		t.Fatal(err)
	}
	d.FinishReplace()
	if res, err := d.Backup(ctx, "", BackupOptions{}); err != nil || res.Deleted != 0 {
		t.Fatalf("first backup after replacing: deleted %d, %v", res.Deleted, err)
	}
	for _, rel := range []string{"Photos/cat.jpg", "notes.txt"} {
		if e, ok, _ := d.Lookup(ctx, "", filepath.ToSlash(old.path(rel)), index.View{At: index.Latest}); !ok || e.DeletedAt != 0 {
			t.Fatalf("%s, not brought over, is no longer live: %+v %v", rel, e, ok)
		}
	}
	os.Remove(old.path("Documents/data.csv"))
	if res, err := d.Backup(ctx, "", BackupOptions{}); err != nil || res.Deleted != 1 {
		t.Fatalf("a file deleted on the new computer: deleted %d, %v", res.Deleted, err)
	}
}

// The old computer's files can also go into a folder of their own.
func TestReplaceIntoAFolder(t *testing.T) {
	old := oldComputer(t)
	d := newComputer(t, filepath.Join(t.TempDir(), "carl"))
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "From the old laptop")
	if err := d.ChooseTransfer([]string{filepath.ToSlash(old.src)}, to, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Transfer(ctx, TransferOptions{}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(to, filepath.Base(old.src), "Photos", "cat.jpg"))
	if string(got) != "meow" {
		t.Fatalf("cat in the folder: %q", got)
	}
	if c := d.Config(); len(c.Selection.Include) != 0 {
		t.Fatalf("selection changed though settings were not chosen: %v", c.Selection.Include)
	}
	// With nothing selected, finishing selects the home folder, as a first run does.
	d.FinishReplace()
	if c := d.Config(); !slices.Equal(c.Selection.Include, []string{filepath.ToSlash(d.userDir)}) {
		t.Fatalf("selection after finishing: %v", c.Selection.Include)
	}
}

// A server device is adopted: the old computer is signed out, the new one
// continues the same archive and history.
func TestReplaceADeviceAtAServer(t *testing.T) {
	url, fp := serverAt(t, time.Now)
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}, "b/c.txt": {Data: "c"}})
	oldDev, err := Open(filepath.Join(dir, "old"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer oldDev.Close()
	addServer(t, oldDev, url, fp)
	oldDev.AddFiles(src)
	if _, err := oldDev.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}

	d := newComputer(t, filepath.Join(dir, "new-home"))
	signin := ServerSignIn{Name: "work", URL: url, User: "ana", Device: "new-laptop",
		ConfirmFingerprint: func(got string) (bool, error) { return got == fp, nil },
		Password:           func() ([]byte, error) { return []byte("account password"), nil }}
	devs, trusted, err := d.AccountDevices(ctx, signin)
	if err != nil || len(devs) != 1 || devs[0].Name != "laptop" || devs[0].Bytes == 0 || trusted != fp {
		t.Fatalf("devices %+v, fingerprint %q, %v", devs, trusted, err)
	}
	signin.Fingerprint, signin.ConfirmFingerprint = trusted, nil
	wrong := func(string, bool) ([]byte, error) { return []byte("not it"), nil }
	if _, err := d.AdoptServerDevice(ctx, signin, devs[0].ID, wrong, crypt.TestKDF); err == nil {
		t.Fatal("adopted with the wrong archive password")
	}
	if len(d.Config().Destinations) != 0 {
		t.Fatal("a failed adoption left a destination")
	}
	if _, err := d.AdoptServerDevice(ctx, signin, devs[0].ID, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if st := d.Replacing(); st == nil || st.OldDevice != "laptop" || st.OldHome != filepath.ToSlash(src) {
		t.Fatalf("replace state %+v", d.Replacing())
	}
	if e, ok, _ := d.Lookup(ctx, "", filepath.ToSlash(filepath.Join(src, "b", "c.txt")), index.View{At: index.Latest}); !ok || e.DeletedAt != 0 {
		t.Fatal("the old computer's files are not in the new computer's index")
	}
	// The old computer can no longer write to the archive.
	os.WriteFile(filepath.Join(src, "late.txt"), []byte("late"), 0o644)
	if _, err := oldDev.Backup(ctx, "", BackupOptions{}); err == nil {
		t.Fatal("the replaced computer still backs up")
	}
}

// Bringing over the whole old home folder puts its contents into this
// computer's home folder, not at the old computer's path.
func TestReplaceTheWholeHomeIntoThisOne(t *testing.T) {
	old := oldComputer(t)
	newHome := filepath.Join(t.TempDir(), "home", "bob")
	d := newComputer(t, newHome)
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(old.src); err != nil { // the old path must not be what is written
		t.Fatal(err)
	}
	if err := d.ChooseTransfer([]string{filepath.ToSlash(old.src)}, "", nil); err != nil {
		t.Fatal(err)
	}
	if res, err := d.Transfer(ctx, TransferOptions{}); err != nil || len(res.Errors) > 0 {
		t.Fatalf("transfer: %+v %v", res, err)
	}
	if got, _ := os.ReadFile(filepath.Join(newHome, "Photos", "cat.jpg")); string(got) != "meow" {
		t.Fatalf("cat in the new home: %q", got)
	}
	if _, err := os.Stat(old.src); !os.IsNotExist(err) {
		t.Fatalf("the old home path was written: %v", err)
	}
}

// A destination cut off while being added (Cairn killed while it read the
// archive) is forgotten at the next start, and can be added again.
func TestHalfAddedDestinationIsForgottenAtStart(t *testing.T) {
	old := oldComputer(t)
	home := filepath.Join(t.TempDir(), "cairn")
	d, err := Open(home, Options{UserHome: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatal(err)
	}
	d.Close()
	c, err := config.Load(home, "linux", "/home/x")
	if err != nil {
		t.Fatal(err)
	}
	c.Destinations[0].Adding = true
	c.Replace = nil // a crash before the wizard began
	if err := c.Save(home); err != nil {
		t.Fatal(err)
	}
	d, err = Open(home, Options{UserHome: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := len(d.Config().Destinations); n != 0 {
		t.Fatalf("%d destinations after the restart", n)
	}
	if _, err := d.AdoptFolder(ctx, "drive", old.dest, password); err != nil {
		t.Fatalf("adding again: %v", err)
	}
	if d.Replacing() == nil || d.Config().Destinations[0].Adding {
		t.Fatalf("after adding again: %+v", d.Config())
	}
}
