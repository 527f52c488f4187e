//go:build unix && !linux

package fs

import (
	"os"

	"golang.org/x/sys/unix"
)

const noatime = 0

// Futimens sets the modification time of an open file (µs precision here).
func Futimens(f *os.File, mtime int64) error {
	tv := []unix.Timeval{unix.NsecToTimeval(mtime), unix.NsecToTimeval(mtime)}
	return unix.Futimes(int(f.Fd()), tv)
}
