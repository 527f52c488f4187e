//go:build unix

package testtree

import (
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

// fileID names a file's data on its file system: what hard links share.
type fileID struct{ dev, ino uint64 }

// mkfifo makes a named pipe (a FIFO) at path.
func mkfifo(t testing.TB, path string) error {
	t.Helper()
	return syscall.Mkfifo(path, 0o644)
}

// hardLinkID returns the identity of the file info describes and whether
// other names (hard links) share it.
func hardLinkID(path string, info fs.FileInfo) (fileID, bool, error) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false, fmt.Errorf("%s: no unix file status", path)
	}
	return fileID{dev: uint64(st.Dev), ino: st.Ino}, st.Nlink > 1, nil
}
