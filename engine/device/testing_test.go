package device

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
)

var ctx = context.Background()

// fixture is a computer with a folder to back up and an external drive.
type fixture struct {
	t    testing.TB
	dir  string
	src  string // the folder backed up
	dest string // the archive folder
	home string
	d    *Device
}

func password(string, bool) ([]byte, error) { return []byte("correct horse battery"), nil }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, src: filepath.Join(dir, "home", "ana"), dest: filepath.Join(dir, "drive", "Cairn"),
		home: filepath.Join(dir, "cairn-home")}
	if err := os.MkdirAll(f.src, 0o755); err != nil {
		t.Fatal(err)
	}
	f.open()
	if _, err := f.d.AddFolderDestination(ctx, "drive", f.dest, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := f.d.AddFiles(f.src); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.d.Close() })
	return f
}

func (f *fixture) open() {
	d, err := Open(f.home, Options{UserHome: f.src})
	if err != nil {
		f.t.Fatal(err)
	}
	f.d = d
}

func (f *fixture) reopen() {
	f.d.Close()
	f.open()
}

func (f *fixture) backup() backup.Result {
	f.t.Helper()
	var errs []engine.FileError
	res, err := f.d.Backup(ctx, "", BackupOptions{FileError: func(fe engine.FileError) { errs = append(errs, fe) }})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		f.t.Fatalf("backup errors: %v", res.Errors)
	}
	return res
}

func (f *fixture) restore(o restore.Options) restore.Result {
	f.t.Helper()
	if o.View.At == 0 {
		o.View.At = index.Latest
	}
	if len(o.Paths) == 0 {
		o.Paths = []string{f.src}
	}
	res, err := f.d.Restore(ctx, "", o)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		f.t.Fatalf("restore errors: %v", res.Errors)
	}
	return res
}

func (f *fixture) path(rel string) string { return filepath.Join(f.src, filepath.FromSlash(rel)) }
