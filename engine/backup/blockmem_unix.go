//go:build unix

package backup

import "golang.org/x/sys/unix"

func mapBlock(size int) ([]byte, bool) {
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	return b, err == nil
}

// releaseBlock drops the pages of a mapped region.
func releaseBlock(b []byte) { unix.Madvise(b, unix.MADV_DONTNEED) }
