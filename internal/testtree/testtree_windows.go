//go:build windows

package testtree

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

// fileID names a file's data on its volume: what hard links share.
type fileID struct {
	volume    uint32
	high, low uint32
}

// mkfifo skips the test: Windows has no named pipes in the file system.
func mkfifo(t testing.TB, path string) error {
	t.Helper()
	t.Skipf("%s: Windows has no FIFOs (named pipes in the file system); this test needs one", path)
	return nil
}

// hardLinkID returns the identity of the file at path and whether other
// names (hard links) share it, from the file's own handle: Windows keeps
// the link count and file index there, not in the directory entry.
func hardLinkID(path string, _ fs.FileInfo) (fileID, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileID{}, false, err
	}
	defer f.Close()
	var d syscall.ByHandleFileInformation
	if err := syscall.GetFileInformationByHandle(syscall.Handle(f.Fd()), &d); err != nil {
		return fileID{}, false, fmt.Errorf("file information of %s: %w", path, err)
	}
	id := fileID{volume: d.VolumeSerialNumber, high: d.FileIndexHigh, low: d.FileIndexLow}
	return id, d.NumberOfLinks > 1, nil
}
