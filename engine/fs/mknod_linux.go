package fs

import "golang.org/x/sys/unix"

func mknodat(dirfd int, name string, mode uint32, rdev uint64) error {
	return unix.Mknodat(dirfd, name, mode, int(rdev))
}
