//go:build unix

package fs

import (
	"os"

	"golang.org/x/sys/unix"
)

// File is a regular file a restore writes, held by its descriptor alone. A
// restore of a home folder creates hundreds of thousands of files, and an
// *os.File costs each one a fcntl, a finalizer and a check for the poller:
// about 4 % of a 300,000-file restore's CPU (issue 15).
type File struct {
	fd   int
	name string // the path, for errors
}

func newFile(fd int, name string) *File { return &File{fd: fd, name: name} }

// Name is the path the file was opened with.
func (f *File) Name() string { return f.name }

func (f *File) err(op string, err error) error {
	if err == nil {
		return nil
	}
	return &os.PathError{Op: op, Path: f.name, Err: err}
}

// WriteAt writes all of b at off.
func (f *File) WriteAt(b []byte, off int64) (int, error) {
	done := 0
	for done < len(b) {
		n, err := unix.Pwrite(f.fd, b[done:], off+int64(done))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return done, f.err("write", err)
		}
		if n == 0 {
			return done, f.err("write", unix.EIO)
		}
		done += n
	}
	return done, nil
}

// Truncate sets the file's size.
func (f *File) Truncate(size int64) error {
	return f.err("truncate", retryEINTR(func() error { return unix.Ftruncate(f.fd, size) }))
}

// Chown sets the file's owner and group.
func (f *File) Chown(uid, gid int) error {
	return f.err("chown", retryEINTR(func() error { return unix.Fchown(f.fd, uid, gid) }))
}

// Chmod sets the file's mode: permissions, setuid, setgid and sticky (0o7777).
func (f *File) Chmod(mode uint32) error {
	return f.err("chmod", retryEINTR(func() error { return unix.Fchmod(f.fd, mode&0o7777) }))
}

// SetModTime sets the file's modification (and access) time, in nanoseconds
// since 1970.
func (f *File) SetModTime(mtime int64) error { return f.err("futimens", futimens(f.fd, mtime)) }

// Sync makes what was written durable.
func (f *File) Sync() error {
	return f.err("sync", retryEINTR(func() error { return unix.Fsync(f.fd) }))
}

// Close closes the file. It must be called once.
func (f *File) Close() error {
	// close is not retried on EINTR: on Linux the descriptor is gone by then.
	return f.err("close", unix.Close(f.fd))
}

func retryEINTR(call func() error) error {
	for {
		if err := call(); err != unix.EINTR {
			return err
		}
	}
}
