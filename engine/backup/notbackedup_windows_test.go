package backup

import (
	"os/exec"
	"path"
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// A junction and a file whose data is elsewhere are noted in the report,
// neither read nor recorded (a junction used to become a FIFO, which no
// restore on Windows can make). Runs on a Windows machine (CI); the
// decisions themselves are tested everywhere in engine/fs.
func TestJunctionAndOfflineFileAreNotedNotRecorded(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{
		"Documents/report.txt": {Data: "kept"},
		"cloud.docx":           {Data: "only a placeholder here"},
	})
	junction := filepath.Join(f.src, "My Documents")
	out, err := exec.Command("cmd", "/c", "mklink", "/J", junction, filepath.Join(f.src, "Documents")).CombinedOutput()
	if err != nil {
		t.Fatalf("mklink /J: %v\n%s", err, out)
	}
	// The attribute a sync engine sets on a file it has not downloaded.
	name, err := windows.UTF16PtrFromString(filepath.Join(f.src, "cloud.docx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetFileAttributes(name, windows.FILE_ATTRIBUTE_OFFLINE); err != nil {
		t.Fatalf("mark cloud.docx offline: %v", err)
	}
	root, ok := selection.ArchivePath("windows", f.src)
	if !ok {
		t.Fatalf("%s is not absolute", f.src)
	}
	res, err := Run(ctx, f.r, Options{Roots: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	notes := map[string]error{}
	for _, n := range res.Notes {
		notes[path.Base(n.Path)] = n.Err
	}
	if notes["My Documents"] != fs.ErrJunction || notes["cloud.docx"] != fs.ErrCloudOnly || len(notes) != 2 {
		t.Fatalf("notes: %v", res.Notes)
	}
	for _, left := range []string{"My Documents", "cloud.docx"} {
		if vs, err := f.r.Index().History(f.r.Dest(), root+"/"+left); err != nil || len(vs) != 0 {
			t.Errorf("%s recorded: %v %v", left, vs, err)
		}
	}
	if vs, err := f.r.Index().History(f.r.Dest(), root+"/Documents/report.txt"); err != nil || len(vs) != 1 {
		t.Errorf("report.txt: %v %v", vs, err)
	}
}
