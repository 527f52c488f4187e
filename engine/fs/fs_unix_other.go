//go:build unix && !linux

package fs

import (
	"golang.org/x/sys/unix"
)

const noatime = 0

// futimens sets the modification time of an open file (µs precision here).
func futimens(fd int, mtime int64) error {
	tv := []unix.Timeval{unix.NsecToTimeval(mtime), unix.NsecToTimeval(mtime)}
	return retryEINTR(func() error { return unix.Futimes(fd, tv) })
}
