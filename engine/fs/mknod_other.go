//go:build unix && !linux

package fs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// mknodat goes through /dev/fd where there is no mknodat.
func mknodat(dirfd int, name string, mode uint32, rdev uint64) error {
	return unix.Mknod(fmt.Sprintf("/dev/fd/%d/%s", dirfd, name), mode, int(rdev))
}
