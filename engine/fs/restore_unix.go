//go:build unix

package fs

import (
	"os"

	"golang.org/x/sys/unix"
)

// The methods below operate on one entry of an open folder, by name. Names
// must be single path elements (no "/", not "." or ".."); callers check
// them. None follows a symlink, so a restore can never be led outside the
// folder it writes into.

func (d *Dir) fd() int { return int(d.f.Fd()) }

func (d *Dir) pathErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &os.PathError{Op: op, Path: join(d.path, name), Err: err}
}

// Mkdir creates a sub-folder.
func (d *Dir) Mkdir(name string, mode uint32) error {
	return d.pathErr("mkdir", name, unix.Mkdirat(d.fd(), name, mode))
}

// Create creates a new file for writing; it fails if name exists.
func (d *Dir) Create(name string, mode uint32) (*os.File, error) {
	fd, err := openat(d.fd(), name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC)
	if err != nil {
		return nil, d.pathErr("create", name, err)
	}
	f := os.NewFile(uintptr(fd), join(d.path, name))
	if mode != 0o600 {
		unix.Fchmod(fd, mode)
	}
	return f, nil
}

// OpenWrite opens an existing regular file for writing.
func (d *Dir) OpenWrite(name string) (*File, error) {
	fd, err := openat(d.fd(), name, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC)
	if err != nil {
		return nil, d.pathErr("open", name, err)
	}
	return newFile(fd, join(d.path, name)), nil
}

// Rename renames an entry within the folder, replacing newName atomically.
func (d *Dir) Rename(oldName, newName string) error {
	return d.pathErr("rename", newName, unix.Renameat(d.fd(), oldName, d.fd(), newName))
}

// Remove removes a file, link or empty folder.
func (d *Dir) Remove(name string) error {
	err := unix.Unlinkat(d.fd(), name, 0)
	if err == unix.EISDIR || err == unix.EPERM {
		err = unix.Unlinkat(d.fd(), name, unix.AT_REMOVEDIR)
	}
	return d.pathErr("remove", name, err)
}

// Symlink creates a symlink name → target.
func (d *Dir) Symlink(target, name string) error {
	return d.pathErr("symlink", name, unix.Symlinkat(target, d.fd(), name))
}

// Link makes name a hard link to src/srcName.
func (d *Dir) Link(src *Dir, srcName, name string) error {
	return d.pathErr("link", name, unix.Linkat(src.fd(), srcName, d.fd(), name, 0))
}

// Chmod sets the mode of an entry that is not a symlink.
func (d *Dir) Chmod(name string, mode uint32) error {
	return d.pathErr("chmod", name, unix.Fchmodat(d.fd(), name, mode&0o7777, 0))
}

// Lchown sets the owner of an entry without following a symlink.
func (d *Dir) Lchown(name string, uid, gid uint32) error {
	return d.pathErr("chown", name, unix.Fchownat(d.fd(), name, int(uid), int(gid), unix.AT_SYMLINK_NOFOLLOW))
}

// SetModTime sets the modification (and access) time without following a symlink.
func (d *Dir) SetModTime(name string, mtime int64) error {
	ts := []unix.Timespec{unix.NsecToTimespec(mtime), unix.NsecToTimespec(mtime)}
	return d.pathErr("chtimes", name, unix.UtimesNanoAt(d.fd(), name, ts, unix.AT_SYMLINK_NOFOLLOW))
}

// Umask returns the process's file mode creation mask.
func Umask() uint32 {
	m := unix.Umask(0)
	unix.Umask(m)
	return uint32(m)
}

// CreateTrunc creates a file for writing, or empties an existing regular
// file (never following a symlink). perm is applied less the umask, as
// open(2) does.
func (d *Dir) CreateTrunc(name string, perm uint32) (*File, error) {
	fd, err := openat2(d.fd(), name, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm&0o777)
	if err != nil {
		return nil, d.pathErr("create", name, err)
	}
	return newFile(fd, join(d.path, name)), nil
}

func openat2(dirfd int, name string, flags int, perm uint32) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, perm)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
