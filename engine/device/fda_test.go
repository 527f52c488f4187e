package device

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

func TestFullDiskAccessMissing(t *testing.T) {
	eperm := &fs.PathError{Op: "open", Path: "x", Err: syscall.EPERM}
	tests := []struct {
		name string
		goos string
		errs map[string]error // folder → what listing it gives (missing: nil)
		want bool
	}{
		{"Mail refused on a Mac", "darwin", map[string]error{"Mail": eperm}, true},
		{"Messages refused, Mail never used", "darwin", map[string]error{"Mail": fs.ErrNotExist, "Messages": eperm}, true},
		{"everything readable", "darwin", nil, false},
		{"none of the apps used", "darwin", map[string]error{"Mail": fs.ErrNotExist, "Safari": fs.ErrNotExist, "Messages": fs.ErrNotExist}, false},
		{"another error says nothing", "darwin", map[string]error{"Mail": errors.New("i/o error")}, false},
		{"Linux has no TCC", "linux", map[string]error{"Mail": eperm}, false},
		{"Windows has no TCC", "windows", map[string]error{"Mail": eperm}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := func(dir string) error { return tt.errs[filepath.Base(dir)] }
			if got := fullDiskAccessMissing(tt.goos, "/Users/ana", list); got != tt.want {
				t.Errorf("missing = %v, want %v", got, tt.want)
			}
		})
	}
}

// A fake home where Mail cannot be listed, as TCC refuses it: chmod 000
// stands for TCC here (listing fails with a permission error).
func TestFullDiskAccessProbeOnAFakeHome(t *testing.T) {
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		t.Skip("root lists a folder whatever its mode, and Windows ignores chmod 000; the decision is tested in TestFullDiskAccessMissing")
	}
	home := t.TempDir()
	mail := filepath.Join(home, "Library", "Mail")
	if err := os.MkdirAll(mail, 0o755); err != nil {
		t.Fatal(err)
	}
	if fullDiskAccessMissing("darwin", home, listOne) {
		t.Fatal("missing while Mail can be read")
	}
	os.Chmod(mail, 0)
	t.Cleanup(func() { os.Chmod(mail, 0o755) })
	if !fullDiskAccessMissing("darwin", home, listOne) {
		t.Error("not missing while Mail cannot be listed")
	}
	if fullDiskAccessMissing("linux", home, listOne) {
		t.Error("missing on Linux")
	}
}
