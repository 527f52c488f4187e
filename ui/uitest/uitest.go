// Package uitest gives the screens' tests a real engine to drive: a person's
// home folder with files in it, a Cairn device, and an archive on a folder
// destination (an "external drive") in a temporary directory. Nothing is
// faked: what a screen asks of the engine really happens on disk.
package uitest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
)

// Password is the archive password of every test archive.
const Password = "correct horse battery"

// DestName is the name of the test archive's destination.
const DestName = "External drive"

// Archive is a computer with files, backed up to a folder.
type Archive struct {
	Root      string // the temporary directory holding everything
	UserHome  string // the person's home folder (selected for backup)
	Drive     string // the archive's folder
	CairnHome string // Cairn's own folder
	Dev       *device.Device
}

// Files are the files every archive starts with (slash-separated paths
// relative to the home folder, and their content).
var Files = map[string]string{
	"Documents/report.txt":      "the quarterly report, first draft",
	"Documents/notes/todo.txt":  "buy milk",
	"Pictures/cairn.jpg":        "not really a picture",
	"thesis/chapter1.tex":       "\\chapter{Introduction}",
	"thesis/chapter2.tex":       "\\chapter{Method}",
	".cache/thumbnails/x.png":   "excluded by default",
	"Music/playlist.m3u":        "one.mp3\ntwo.mp3",
	"Documents/budget 2026.ods": "numbers",
}

// NewDevice returns an opened device whose home folder holds Files and is
// selected (as after the first run), with a folder destination (DestName)
// that has no backup yet. The device is closed when the test ends.
func NewDevice(t testing.TB) *Archive {
	t.Helper()
	root := t.TempDir()
	a := &Archive{Root: root, UserHome: filepath.Join(root, "home", "ana"),
		Drive: filepath.Join(root, "drive", "Cairn"), CairnHome: filepath.Join(root, "cairn")}
	a.Write(t, Files)
	d, err := device.Open(a.CairnHome, device.Options{UserHome: a.UserHome, PackSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	a.Dev = d
	if _, err := d.AddFolderDestination(context.Background(), DestName, a.Drive, PasswordFunc, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := d.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	return a
}

// New returns NewDevice's archive with one backup made.
func New(t testing.TB) *Archive {
	t.Helper()
	a := NewDevice(t)
	a.Backup(t)
	return a
}

// PasswordFunc answers every password question with Password.
func PasswordFunc(string, bool) ([]byte, error) { return []byte(Password), nil }

// Path returns the absolute path on disk of rel (slash-separated, relative
// to the home folder).
func (a *Archive) Path(rel string) string {
	return filepath.Join(a.UserHome, filepath.FromSlash(rel))
}

// ArchivePath returns the archive's form of rel ("/tmp/.../home/ana/rel").
func (a *Archive) ArchivePath(rel string) string {
	return filepath.ToSlash(a.Path(rel))
}

// Write creates or replaces files under the home folder.
func (a *Archive) Write(t testing.TB, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		p := a.Path(rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Remove deletes files or folders under the home folder.
func (a *Archive) Remove(t testing.TB, rels ...string) {
	t.Helper()
	for _, rel := range rels {
		if err := os.RemoveAll(a.Path(rel)); err != nil {
			t.Fatal(err)
		}
	}
}

// Backup makes one pass and fails the test on any error.
func (a *Archive) Backup(t testing.TB) {
	t.Helper()
	var errs []engine.FileError
	res, err := a.Dev.Backup(context.Background(), DestName, device.BackupOptions{
		FileError: func(fe engine.FileError) { errs = append(errs, fe) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 || len(res.Errors) > 0 {
		t.Fatalf("backup errors: %v %v", errs, res.Errors)
	}
}

// WaitFor polls cond (on the test's thread) until it holds, failing the test
// after a generous deadline: screens do slow work in the background, and a
// busy machine can take seconds.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Size is the smallest window the app supports.
var Size = fyne.NewSize(800, 600)
