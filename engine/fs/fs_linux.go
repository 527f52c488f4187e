package fs

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

const noatime = unix.O_NOATIME

// futimens sets the modification and access time of an open file (ns precision).
func futimens(fd int, mtime int64) error {
	ts := [2]unix.Timespec{unix.NsecToTimespec(mtime), unix.NsecToTimespec(mtime)}
	return retryEINTR(func() error {
		if _, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0); e != 0 {
			return e
		}
		return nil
	})
}
