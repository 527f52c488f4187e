//go:build windows

package fs

import "os"

// File is a regular file a restore writes. On Windows it is an *os.File; on
// Unix a bare descriptor (file_unix.go says why).
type File struct{ f *os.File }

// Name is the path the file was opened with.
func (f *File) Name() string { return f.f.Name() }

// WriteAt writes all of b at off.
func (f *File) WriteAt(b []byte, off int64) (int, error) { return f.f.WriteAt(b, off) }

// Truncate sets the file's size.
func (f *File) Truncate(size int64) error { return f.f.Truncate(size) }

// Chown does nothing: Windows files have no Unix owner.
func (f *File) Chown(uid, gid int) error { return nil }

// Chmod sets what Windows keeps of a mode: whether the file is read-only.
func (f *File) Chmod(mode uint32) error { return f.f.Chmod(os.FileMode(mode & 0o777)) }

// SetModTime sets the file's modification time, in nanoseconds since 1970.
func (f *File) SetModTime(mtime int64) error { return setTime(f.f.Name(), mtime) }

// Sync makes what was written durable.
func (f *File) Sync() error { return f.f.Sync() }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

func wrapFile(f *os.File, err error) (*File, error) {
	if err != nil {
		return nil, err
	}
	return &File{f: f}, nil
}
