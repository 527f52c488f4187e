package fs

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// SparseSupported says whether NextData and NextHole find real holes here.
const SparseSupported = true

// NextData returns the offset of the first byte of data at or after off. It
// returns io.EOF when nothing but a hole follows off (lseek's ENXIO). The
// file's offset moves: read with ReadAt, not Read.
func NextData(f *os.File, off int64) (int64, error) {
	return seek(f, off, unix.SEEK_DATA)
}

// NextHole returns where the first hole at or after off starts; the end of
// the file counts as a hole, so a file without holes gives its size.
func NextHole(f *os.File, off int64) (int64, error) {
	return seek(f, off, unix.SEEK_HOLE)
}

func seek(f *os.File, off int64, whence int) (int64, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var pos int64
	var serr error
	if err := rc.Control(func(fd uintptr) { pos, serr = unix.Seek(int(fd), off, whence) }); err != nil {
		return 0, err
	}
	switch {
	case errors.Is(serr, unix.ENXIO):
		return 0, io.EOF
	case serr != nil:
		return 0, &os.PathError{Op: "lseek", Path: f.Name(), Err: serr}
	}
	return pos, nil
}
