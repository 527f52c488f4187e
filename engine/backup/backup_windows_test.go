package backup

import (
	"errors"
	"path"
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// Passes over what only Windows has, made for real: they run on a Windows
// machine (the Windows CI). Roots are given in the archive's form
// ("/C:/Users/…"), as the device gives them.

// winRoot is the archive's form of the Windows path p.
func winRoot(t *testing.T, p string) string {
	t.Helper()
	root, ok := selection.ArchivePath("windows", p)
	if !ok {
		t.Fatalf("%s is not absolute", p)
	}
	return root
}

// runAt backs up the Windows folder dir.
func (f *fixture) runAt(dir string) Result {
	f.t.Helper()
	res, err := Run(ctx, f.r, Options{Roots: []string{winRoot(f.t, dir)}})
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// versionsAt is how many versions the archive holds of the Windows path p.
func (f *fixture) versionsAt(p string) int {
	f.t.Helper()
	vs, err := f.r.Index().History(f.r.Dest(), winRoot(f.t, p))
	if err != nil {
		f.t.Fatal(err)
	}
	return len(vs)
}

// A OneDrive-style placeholder (the Cloud Filter API's, in a sync root
// whose provider never answers) is noted "cloud-only, not downloaded" and
// never read: reading it would ask the provider for its data, which fails
// here, and on a laptop downloads gigabytes.
func TestCloudPlaceholderIsNotedNotRead(t *testing.T) {
	f := newFixture(t, nil)
	root := testtree.CloudPlaceholders(t, 50<<20, "holiday.mp4", "thesis.docx")
	testtree.Write(t, root, map[string]testtree.Node{"here.txt": {Data: "on this computer"}})
	res := f.runAt(root)
	if len(res.Errors) != 0 {
		t.Fatalf("errors (a placeholder was read?): %v", res.Errors)
	}
	notes := map[string]error{}
	for _, n := range res.Notes {
		notes[path.Base(n.Path)] = n.Err
	}
	for _, name := range []string{"holiday.mp4", "thesis.docx"} {
		if notes[name] != fs.ErrCloudOnly {
			t.Errorf("%s noted %v, want %v; notes %v", name, notes[name], fs.ErrCloudOnly, res.Notes)
		}
		if n := f.versionsAt(filepath.Join(root, name)); n != 0 {
			t.Errorf("%s: %d versions recorded", name, n)
		}
		attrs, err := windows.GetFileAttributes(windows.StringToUTF16Ptr(filepath.Join(root, name)))
		if err != nil || attrs&(windows.FILE_ATTRIBUTE_OFFLINE|0x400000|0x40000) == 0 {
			t.Errorf("%s has attributes %#x (%v) after the pass: downloaded?", name, attrs, err)
		}
	}
	if n := f.versionsAt(filepath.Join(root, "here.txt")); n != 1 {
		t.Errorf("here.txt: %d versions, want 1", n)
	}
}

func TestAppExecutionAliasIsNotedNotRecorded(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"notes.txt": {Data: "kept"}})
	alias := filepath.Join(f.src, "python.exe")
	testtree.AppExecLink(t, alias, "PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0",
		"PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0!Python", `C:\Program Files\WindowsApps\python.exe`)
	res := f.runAt(f.src)
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	if len(res.Notes) != 1 || path.Base(res.Notes[0].Path) != "python.exe" || res.Notes[0].Err != fs.ErrAppAlias {
		t.Fatalf("notes %v, want python.exe as an app execution alias", res.Notes)
	}
	if f.versionsAt(alias) != 0 || f.versionsAt(filepath.Join(f.src, "notes.txt")) != 1 {
		t.Error("want notes.txt recorded and the alias not")
	}
}

// A file another program holds (Outlook's .pst: opened without sharing; a
// database's: its bytes locked) is reported in use once per pass, not
// retried in a loop, while everything else is backed up; the first pass
// after it is let go records it. Without Options.InUse (no snapshot), as
// on a computer where Cairn cannot make one.
func TestFileHeldByAnotherProgramIsReportedInUse(t *testing.T) {
	for _, c := range []struct {
		name   string
		locked bool
	}{{"opened without sharing", testtree.NoSharing}, {"bytes locked", testtree.LockedRange}} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, map[string]testtree.Node{
				"Outlook/mail.pst": {Data: "held by another program"},
				"Documents/a.txt":  {Data: "a"},
				"Documents/b.txt":  {Data: "b"},
			})
			held := filepath.Join(f.src, "Outlook", "mail.pst")
			release := testtree.HoldFile(t, held, c.locked)
			for pass := 1; pass <= 2; pass++ {
				res := f.runAt(f.src)
				if len(res.Errors) != 1 || path.Base(res.Errors[0].Path) != "mail.pst" || !errors.Is(res.Errors[0].Err, fs.ErrInUse) {
					t.Fatalf("pass %d: errors %v, want mail.pst in use, once", pass, res.Errors)
				}
				if f.versionsAt(held) != 0 {
					t.Fatalf("pass %d: a held file recorded", pass)
				}
			}
			for _, p := range []string{"Documents/a.txt", "Documents/b.txt"} {
				if f.versionsAt(filepath.Join(f.src, filepath.FromSlash(p))) != 1 {
					t.Errorf("%s: not backed up beside the held file", p)
				}
			}
			release()
			if res := f.runAt(f.src); len(res.Errors) != 0 {
				t.Fatalf("after it was let go: %v", res.Errors)
			}
			if f.versionsAt(held) != 1 {
				t.Fatal("not recorded once let go")
			}
		})
	}
}
