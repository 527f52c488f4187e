//go:build unix

package fs

import (
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/cairnbackup/cairn/engine"
)

// Dir is an open folder. Not safe for concurrent use.
type Dir struct {
	f    *os.File
	path string
}

// OpenDir opens the folder at an absolute path (following symlinks in the
// path itself: a selected folder may be reached through one).
func OpenDir(path string) (*Dir, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		return nil, err
	}
	return &Dir{f: f, path: path}, nil
}

// Path is the folder's path.
func (d *Dir) Path() string { return d.path }

// Close closes the folder.
func (d *Dir) Close() error { return d.f.Close() }

// Names lists the folder's entries, sorted by name bytes.
func (d *Dir) Names() ([]string, error) {
	names, err := d.f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

// Lstat describes an entry without following a symlink.
func (d *Dir) Lstat(name string) (Info, error) {
	var st unix.Stat_t
	for {
		err := unix.Fstatat(int(d.f.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Info{}, &os.PathError{Op: "lstat", Path: d.path + "/" + name, Err: err}
		}
		return infoOf(&st), nil
	}
}

// OpenDir opens a sub-folder, refusing to follow a symlink.
func (d *Dir) OpenDir(name string) (*Dir, error) {
	fd, err := openat(int(d.f.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.path + "/" + name, Err: err}
	}
	return &Dir{f: os.NewFile(uintptr(fd), d.path+"/"+name), path: join(d.path, name)}, nil
}

// Open opens a regular file for reading, refusing to follow a symlink and not
// touching its access time where the OS allows.
func (d *Dir) Open(name string) (*os.File, error) {
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK
	fd, err := openat(int(d.f.Fd()), name, flags|noatime)
	if err == unix.EPERM && noatime != 0 {
		fd, err = openat(int(d.f.Fd()), name, flags) // O_NOATIME needs ownership
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.path + "/" + name, Err: err}
	}
	// O_NONBLOCK only guarded against a fifo swapped in; regular reads ignore it.
	return os.NewFile(uintptr(fd), join(d.path, name)), nil
}

// Readlink returns a symlink's target.
func (d *Dir) Readlink(name string) (string, error) {
	buf := make([]byte, 256)
	for {
		n, err := unix.Readlinkat(int(d.f.Fd()), name, buf)
		if err != nil {
			return "", &os.PathError{Op: "readlink", Path: d.path + "/" + name, Err: err}
		}
		if n < len(buf) {
			return string(buf[:n]), nil
		}
		buf = make([]byte, 2*len(buf))
	}
}

func openat(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// Stat describes the object at an absolute path, following symlinks.
func Stat(path string) (Info, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return Info{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return infoOf(&st), nil
}

// Fstat describes an open file.
func Fstat(f *os.File) (Info, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return Info{}, &os.PathError{Op: "fstat", Path: f.Name(), Err: err}
	}
	return infoOf(&st), nil
}

func infoOf(st *unix.Stat_t) Info {
	i := Info{
		Size: st.Size, Inode: st.Ino, Dev: uint64(st.Dev), Nlink: uint64(st.Nlink),
		Mode: uint32(st.Mode) & 0o7777, UID: st.Uid, GID: st.Gid, Rdev: uint64(st.Rdev),
		ModTime: st.Mtim.Nano(), CTime: st.Ctim.Nano(),
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		i.Type = engine.TypeRegular
	case unix.S_IFDIR:
		i.Type = engine.TypeDir
		i.Size = 0
	case unix.S_IFLNK:
		i.Type = engine.TypeSymlink
	case unix.S_IFIFO:
		i.Type, i.Size = engine.TypeFIFO, 0
	case unix.S_IFSOCK:
		i.Type, i.Size = engine.TypeSocket, 0
	case unix.S_IFCHR:
		i.Type, i.Size = engine.TypeCharDevice, 0
	case unix.S_IFBLK:
		i.Type, i.Size = engine.TypeBlockDevice, 0
	}
	i.NotBackedUp = placeholderNote(i.Type, st)
	return i
}

func join(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// ReadError classifies an error from reading an open file (Windows tells
// a file in use, ErrInUse); here it is returned as it is.
func ReadError(err error) error { return err }

// IsNotExist reports whether err says a file is gone.
func IsNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }

// IsPermission reports whether err is a permission problem.
func IsPermission(err error) bool {
	return errors.Is(err, os.ErrPermission) || errors.Is(err, unix.EPERM)
}

// OpenFile opens the regular file at an absolute path for reading without
// following a final symlink or touching its access time where allowed.
// Paths longer than the OS accepts in one call are opened folder by folder.
func OpenFile(path string) (*os.File, error) {
	dirfd, name := unix.AT_FDCWD, path
	if len(path) >= unix.PathMax {
		d, err := openDirLong(dir(path))
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		defer unix.Close(d)
		dirfd, name = d, base(path)
	}
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK
	fd, err := openat(dirfd, name, flags|noatime)
	if err == unix.EPERM && noatime != 0 {
		fd, err = openat(dirfd, name, flags)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// openDirLong opens a folder whose path may exceed PATH_MAX, a few
// elements at a time.
func openDirLong(path string) (int, error) {
	fd, err := openat(unix.AT_FDCWD, "/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return -1, err
	}
	rest := strings.TrimPrefix(path, "/")
	for rest != "" {
		piece := rest
		if len(piece) > 2048 {
			cut := strings.LastIndexByte(piece[:2048], '/')
			if cut <= 0 {
				unix.Close(fd)
				return -1, unix.ENAMETOOLONG
			}
			piece = piece[:cut]
		}
		rest = strings.TrimPrefix(rest[len(piece):], "/")
		next, err := openat(fd, piece, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

func dir(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

func base(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// DiskUsage is the space a file takes on disk (sparse and preallocated
// files count only the blocks they use).
func DiskUsage(info os.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int64(st.Blocks) * 512
	}
	return info.Size()
}
