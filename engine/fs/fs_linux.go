package fs

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

const noatime = unix.O_NOATIME

// Futimens sets the modification and access time of an open file (ns precision).
func Futimens(f *os.File, mtime int64) error {
	ts := [2]unix.Timespec{unix.NsecToTimespec(mtime), unix.NsecToTimespec(mtime)}
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, f.Fd(), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if e != 0 {
		return &os.PathError{Op: "futimens", Path: f.Name(), Err: e}
	}
	return nil
}
