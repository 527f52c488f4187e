package backup

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// What the system says is left out by design (a cloud-only file, a Windows
// junction) is noted in the report, never read and never an error; a file
// backed up before it went cloud-only keeps its version, and a junction an
// older Cairn recorded as a FIFO is marked deleted. Windows and macOS say
// so through attributes that do not exist here: describe stands for them
// (notbackedup_windows_test.go makes real ones on Windows).
func TestLeftOutEntriesAreNotedNotRead(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{
		"report.txt":   {Data: "kept"},
		"cloud.docx":   {Data: "on the disk at first"},
		"My Documents": {FIFO: true}, // a junction, as Go 1.26 made older Cairns record it
	})
	f.run(Options{})
	// cloud.docx changes (it would be read again), and a file arrives only
	// in the cloud.
	os.WriteFile(filepath.Join(f.src, "cloud.docx"), []byte("changed in the cloud"), 0o644)
	os.WriteFile(filepath.Join(f.src, "new.docx"), []byte("placeholder"), 0o644)
	res := f.run(Options{describe: func(p string, info fs.Info) fs.Info {
		switch filepath.Base(p) {
		case "cloud.docx", "new.docx":
			info.NotBackedUp = fs.ErrCloudOnly
		case "My Documents":
			info.Type, info.NotBackedUp = engine.TypeSymlink, fs.ErrJunction
		}
		return info
	}})
	if len(res.Errors) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("errors %v, warnings %v", res.Errors, res.Warnings)
	}
	notes := map[string]error{}
	for _, n := range res.Notes {
		notes[filepath.Base(n.Path)] = n.Err
	}
	want := map[string]error{"cloud.docx": fs.ErrCloudOnly, "new.docx": fs.ErrCloudOnly, "My Documents": fs.ErrJunction}
	if len(notes) != len(want) {
		t.Fatalf("notes %v, want %v", res.Notes, want)
	}
	for name, why := range want {
		if notes[name] != why {
			t.Errorf("%s noted %v, want %v", name, notes[name], why)
		}
	}
	if vs := f.history("cloud.docx"); len(vs) != 1 || vs[0].Deleted || vs[0].Size != int64(len("on the disk at first")) {
		t.Errorf("cloud.docx: %+v, want its first version kept current", vs)
	}
	if vs := f.history("new.docx"); len(vs) != 0 {
		t.Errorf("new.docx recorded: %+v", vs)
	}
	if vs := f.history("My Documents"); len(vs) != 2 || !vs[1].Deleted {
		t.Errorf("My Documents: %+v, want the FIFO marked deleted", vs)
	}
	if res.Changed != 0 || res.New != 0 || res.BytesRead != 0 {
		t.Errorf("changed %d, new %d, %d bytes read: left-out entries were backed up", res.Changed, res.New, res.BytesRead)
	}
}
