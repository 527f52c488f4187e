package device

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// The fixture is an archive made by an early version of Cairn and checked
// in: every later version must still read it (restic's TestFromFixture).
// Regenerate only when the format changes on purpose:
//
//	CAIRN_WRITE_FIXTURE=1 go test ./engine/device -run TestFixtureArchive
const fixtureDir = "../../testdata/archive-v1"

const fixturePassword = "fixture password"

var fixtureTree = map[string]testtree.Node{
	"Documents/report.txt": {Data: "final version of the report\n"},
	"Documents/notes.md":   {Data: "# notes\n" + string(make([]byte, 3000))},
	"Documents/empty":      {},
	"Documents/Empty dir":  {Dir: true},
	"Pictures/photo.jpg":   {Random: 40 << 10},
	"Pictures/copy.jpg":    {HardLink: "Pictures/photo.jpg"},
	"Projects/run.sh":      {Data: "#!/bin/sh\necho ok\n", Mode: 0o755},
	"Projects/latest":      {Symlink: "run.sh"},
	"Names/naïve café.txt": {Data: "accents"},
	"Names/\xff\xfebytes":  {Data: "not utf-8"},
}

func TestFixtureArchive(t *testing.T) {
	if os.Getenv("CAIRN_WRITE_FIXTURE") == "1" {
		writeFixture(t)
	}
	drive := filepath.Join(t.TempDir(), "drive")
	if out, err := exec.Command("cp", "-a", filepath.Join(fixtureDir, "drive"), drive).CombinedOutput(); err != nil {
		t.Fatalf("copy fixture: %v %s", err, out)
	}
	d, err := Open(filepath.Join(t.TempDir(), "home"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pw := func(string, bool) ([]byte, error) { return []byte(fixturePassword), nil }
	if _, err := d.AddFolderDestination(ctx, "fixture", drive, pw, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	// The report had two versions; the first is still there.
	vs, err := d.Versions(ctx, "", "/fixture/ana/Documents/report.txt")
	if err != nil || len(vs) != 2 || vs[0].Size != int64(len("first draft\n")) {
		t.Fatalf("history of report.txt: %+v %v", vs, err)
	}
	if vs, _ := d.Versions(ctx, "", "/fixture/ana/Documents/old.txt"); len(vs) != 2 || !vs[1].Deleted {
		t.Fatalf("history of the deleted file: %+v", vs)
	}
	to := t.TempDir()
	res, err := d.Restore(ctx, "", restore.Options{Paths: []string{"/fixture/ana"}, To: to, View: index.View{At: index.Latest}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("%v %v", err, res.Errors)
	}
	want := filepath.Join(t.TempDir(), "ana")
	testtree.Write(t, want, fixtureTree)
	testtree.Equal(t, testtree.Snapshot(t, want), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{IgnoreDirMTime: true})
}

// writeFixture makes the fixture archive. Paths in it are /fixture/ana/…:
// the tree is backed up from a bind of that name so the archive does not
// record this machine's temporary folders.
func writeFixture(t *testing.T) {
	src := "/fixture/ana"
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Skipf("cannot create /fixture: %v", err)
	}
	os.RemoveAll(src)
	defer os.RemoveAll("/fixture")
	first := map[string]testtree.Node{"Documents/report.txt": {Data: "first draft\n"}, "Documents/old.txt": {Data: "soon gone"}}
	testtree.Write(t, src, first)
	os.RemoveAll(filepath.Join(fixtureDir, "drive"))
	home := t.TempDir()
	d, err := Open(home, Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pw := func(string, bool) ([]byte, error) { return []byte(fixturePassword), nil }
	if _, err := d.AddFolderDestination(ctx, "fixture", filepath.Join(fixtureDir, "drive"), pw, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	d.AddFiles(src)
	if _, err := d.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // distinct version times (fixture generation only)
	os.Remove(filepath.Join(src, "Documents/old.txt"))
	os.Remove(filepath.Join(src, "Documents/report.txt"))
	testtree.Write(t, src, fixtureTree)
	res, err := d.Backup(ctx, "", BackupOptions{})
	if err != nil || res.Versions < 10 {
		t.Fatalf("second backup: %+v %v", res, err)
	}
}
