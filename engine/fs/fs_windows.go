//go:build windows

package fs

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/selection"
)

// On Windows Cairn's paths are "/C:/Users/ana/…". A folder is listed
// through one handle (listDir): each record gives an entry's attributes,
// reparse tag, size, times and file ID, so Lstat after Names opens
// nothing (windir.go). Entries described outside a listing (Stat, a
// Lstat of a name not listed) go through their paths, plus one handle
// opened for attributes only that gives the file ID, volume, change time
// and link count (winid.go) and a reparse point's tag. Reparse points are
// never followed; windowsEntry decides from their tag what each is. Files
// are opened for reading sharing read, write and delete (openRead), and
// Fstat gives their link count, so hard links are recorded as on Linux.

// osPath turns "/C:/Users/ana" into `C:\Users\ana`, "/C:" into the
// drive's root `C:\` and "/UNC/server/share/x" into `\\server\share\x`
// (selection.OSPath, tested on every system).
func osPath(p string) string { return selection.OSPath("windows", p) }

// Dir is an open folder. Not safe for concurrent use.
type Dir struct {
	path   string
	root   bool        // opened by its path (OpenDir): the folder itself is followed if a link
	class  winDirClass // the listing class that worked here or on the parent (winDirClasses)
	listed *winListing // the last Names, which Lstat reads; dropped by any change made through d
}

// OpenDir opens the folder at an absolute path.
func OpenDir(path string) (*Dir, error) {
	st, err := os.Stat(osPath(path))
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}
	}
	return &Dir{path: path, root: true}, nil
}

func (d *Dir) Path() string             { return d.path }
func (d *Dir) Close() error             { return nil }
func (d *Dir) child(name string) string { return osPath(join(d.path, name)) }

// changed is child for the methods that change the folder: the listing
// Lstat reads is dropped. Only a listing is written: restore changes its
// root folder from several goroutines, never listing it.
func (d *Dir) changed(name string) string {
	if d.listed != nil {
		d.listed = nil
	}
	return d.child(name)
}

// Names lists the folder's entries, sorted, from one read of the folder
// (listDir) that Lstat then describes them from.
func (d *Dir) Names() ([]string, error) {
	l, class, err := listDir(osPath(d.path), d.root, d.class)
	if err != nil {
		d.listed = nil
		return nil, err
	}
	d.class, d.listed = class, l
	return l.names(), nil
}

// Lstat describes an entry without following a link: after Names, the
// first time, as it was listed (no open); else through its path.
func (d *Dir) Lstat(name string) (Info, error) {
	if d.listed != nil {
		if i, ok := d.listed.lstat(name); ok {
			return i, nil
		}
	}
	return lstat(d.child(name))
}

// OpenDir opens a sub-folder, refusing links.
func (d *Dir) OpenDir(name string) (*Dir, error) {
	st, err := os.Lstat(d.child(name))
	if err != nil {
		return nil, err
	}
	if !st.IsDir() || st.Mode()&os.ModeSymlink != 0 {
		return nil, &os.PathError{Op: "open", Path: join(d.path, name), Err: syscall.ENOTDIR}
	}
	return &Dir{path: join(d.path, name), class: d.class}, nil
}

// Open opens a regular file for reading.
func (d *Dir) Open(name string) (*os.File, error) { return openRead(d.child(name)) }

// Readlink returns a link's target.
func (d *Dir) Readlink(name string) (string, error) { return os.Readlink(d.child(name)) }

func (d *Dir) Mkdir(name string, mode uint32) error {
	return os.Mkdir(d.changed(name), os.FileMode(mode))
}

func (d *Dir) Create(name string, mode uint32) (*os.File, error) {
	return os.OpenFile(d.changed(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(mode))
}

func (d *Dir) CreateTrunc(name string, perm uint32) (*File, error) {
	return wrapFile(os.OpenFile(d.changed(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, os.FileMode(perm)))
}

func (d *Dir) OpenWrite(name string) (*File, error) {
	return wrapFile(os.OpenFile(d.changed(name), os.O_WRONLY, 0))
}

func (d *Dir) Rename(oldName, newName string) error {
	return os.Rename(d.changed(oldName), d.changed(newName))
}
func (d *Dir) Remove(name string) error          { return os.Remove(d.changed(name)) }
func (d *Dir) Symlink(target, name string) error { return os.Symlink(target, d.changed(name)) }
func (d *Dir) Link(src *Dir, srcName, name string) error {
	return os.Link(src.child(srcName), d.changed(name))
}

func (d *Dir) Mknod(name string, t engine.FileType, mode uint32, rdev uint64) error {
	return &os.PathError{Op: "mknod", Path: join(d.path, name), Err: errors.ErrUnsupported}
}

func (d *Dir) Chmod(name string, mode uint32) error {
	return os.Chmod(d.changed(name), os.FileMode(mode&0o777))
}
func (d *Dir) Lchown(name string, uid, gid uint32) error { return nil }
func (d *Dir) SetModTime(name string, mtime int64) error { return setTime(d.changed(name), mtime) }

func setTime(p string, mtime int64) error {
	t := timeOf(mtime)
	return os.Chtimes(p, t, t)
}

// OpenFile opens a regular file at an absolute path for reading.
func OpenFile(path string) (*os.File, error) { return openRead(osPath(path)) }

// Stat describes the object at an absolute path, following links.
func Stat(path string) (Info, error) {
	st, err := os.Stat(osPath(path))
	if err != nil {
		return Info{}, err
	}
	return infoOf(osPath(path), st, true), nil
}

// Fstat describes an open file.
func Fstat(f *os.File) (Info, error) {
	st, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	ids, err := handleIDs(windows.Handle(f.Fd()))
	return describe(st, true, ids, 0, err), nil
}

func lstat(p string) (Info, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return Info{}, err
	}
	return infoOf(p, st, false), nil
}

// infoOf describes the entry at the system path p. followed says st
// describes what a link at p points to (os.Stat).
func infoOf(p string, st os.FileInfo, followed bool) Info {
	ids, tag, err := pathIDs(p, followed)
	return describe(st, followed, ids, tag, err)
}

// describe makes the Info of an entry from Go's description, its IDs and
// its reparse tag (idErr: they could not be read). Its kind comes from its
// attributes and reparse tag (windowsEntry), not from Go's mode, which
// calls most reparse points irregular. When followed, a link's own tag is
// ignored. Without IDs the entry is compared by size and modification time
// only (index.Stat.Same), as before Cairn read them.
func describe(st os.FileInfo, followed bool, ids winIDs, tag uint32, idErr error) Info {
	i := Info{Size: st.Size(), ModTime: st.ModTime().UnixNano(), Mode: uint32(st.Mode().Perm()), Nlink: 1}
	var attrs uint32
	if d, ok := st.Sys().(*syscall.Win32FileAttributeData); ok {
		attrs = d.FileAttributes
	}
	if idErr == nil {
		ids.fill(&i)
	}
	if attrs&winAttrReparsePoint != 0 {
		if idErr != nil {
			i.Type = engine.TypeRegular
			i.NotBackedUp = fmt.Errorf("a special Windows file whose kind could not be read (%v): %w", idErr, ErrNotBackedUp)
			return i
		}
		if followed && tag&winTagNameSurrogate != 0 {
			attrs, tag = attrs&^winAttrReparsePoint, 0
		}
	} else {
		tag = 0
	}
	i.Type, i.NotBackedUp = windowsEntry(attrs, tag)
	if i.Type == engine.TypeDir {
		i.Size = 0
	}
	return i
}

func join(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// IsNotExist reports whether err says a file is gone.
func IsNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }

// IsPermission reports whether err is a permission problem.
func IsPermission(err error) bool { return errors.Is(err, os.ErrPermission) }

// Umask is 0 on Windows.
func Umask() uint32 { return 0 }

// DiskUsage is the space a file takes on disk.
func DiskUsage(info os.FileInfo) int64 { return info.Size() }
