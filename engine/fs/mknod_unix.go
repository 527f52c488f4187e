//go:build unix

package fs

import (
	"golang.org/x/sys/unix"

	"github.com/cairnbackup/cairn/engine"
)

// Mknod creates a fifo, socket or device node.
func (d *Dir) Mknod(name string, t engine.FileType, mode uint32, rdev uint64) error {
	var kind uint32
	switch t {
	case engine.TypeFIFO:
		kind = unix.S_IFIFO
	case engine.TypeSocket:
		kind = unix.S_IFSOCK
	case engine.TypeCharDevice:
		kind = unix.S_IFCHR
	case engine.TypeBlockDevice:
		kind = unix.S_IFBLK
	default:
		return d.pathErr("mknod", name, unix.EINVAL)
	}
	return d.pathErr("mknod", name, mknodat(d.fd(), name, kind|(mode&0o7777), rdev))
}
