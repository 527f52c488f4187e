package fs

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// winDirBufSize is the buffer one listing call fills: Windows 8.1 and
// earlier refuse more than 64 KiB, and one record (a 255-character name)
// takes under 600 bytes.
const winDirBufSize = 64 << 10

// listDir lists the folder at the system path p through one handle: its
// records (appendWinDir, in the first class of winDirClasses(start) the
// file system answers), the volume serial number (once for the folder),
// and whether the volume's file IDs can be trusted. Unless follow (a root,
// which may be reached through a link), the folder is opened without
// following it, and winListAs decides from that handle: a folder made a
// junction or symlink since its parent was listed is refused as not a
// folder. The class that worked is returned for the sub-folders to try
// first.
func listDir(p string, follow bool, start winDirClass) (*winListing, winDirClass, error) {
	h, volume, err := openListable(p, follow)
	if err != nil {
		return nil, start, &os.PathError{Op: "open", Path: p, Err: err}
	}
	defer windows.CloseHandle(h)
	var fsFlags uint32
	trust := windows.GetVolumeInformationByHandle(h, nil, 0, nil, nil, &fsFlags, nil, 0) == nil &&
		fsFlags&windows.FILE_SUPPORTS_OPEN_BY_FILE_ID != 0
	entries, class, err := readDirRecords(h, start)
	if err != nil {
		return nil, start, &os.PathError{Op: "list", Path: p, Err: err}
	}
	return newWinListing(entries, volume, trust), class, nil
}

// openListable opens the folder at p to list it (winListAs), and gives its
// volume serial number.
func openListable(p string, follow bool) (windows.Handle, uint32, error) {
	h, fi, tag, err := openDirHandle(p, follow)
	if err != nil {
		return 0, 0, err
	}
	how := winListAs(fi.FileAttributes, tag)
	if how == winListFollowed && follow {
		how = winListThis // this handle followed it already
	}
	switch how {
	case winListRefused:
		windows.CloseHandle(h)
		return 0, 0, syscall.ENOTDIR
	case winListFollowed:
		windows.CloseHandle(h)
		if h, fi, _, err = openDirHandle(p, true); err != nil {
			return 0, 0, err
		}
		if fi.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY == 0 {
			windows.CloseHandle(h)
			return 0, 0, syscall.ENOTDIR
		}
	}
	return h, fi.VolumeSerialNumber, nil
}

// openDirHandle opens p for listing, following it if follow, and describes
// the handle: its attributes and volume, and its reparse tag (0 when it is
// no reparse point).
func openDirHandle(p string, follow bool) (windows.Handle, windows.ByHandleFileInformation, uint32, error) {
	var fi windows.ByHandleFileInformation
	name, err := windows.UTF16PtrFromString(winLongPath(p))
	if err != nil {
		return 0, fi, 0, err
	}
	flags := uint32(windows.FILE_FLAG_BACKUP_SEMANTICS) // a folder's handle
	if !follow {
		flags |= windows.FILE_FLAG_OPEN_REPARSE_POINT
	}
	h, err := windows.CreateFile(name, windows.FILE_LIST_DIRECTORY|windows.FILE_READ_ATTRIBUTES|windows.SYNCHRONIZE,
		shareAll, nil, windows.OPEN_EXISTING, flags, 0)
	if err != nil {
		return 0, fi, 0, err
	}
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		windows.CloseHandle(h)
		return 0, fi, 0, err
	}
	var ti fileAttributeTagInfo
	if fi.FileAttributes&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0 {
		if err := windows.GetFileInformationByHandleEx(h, windows.FileAttributeTagInfo,
			(*byte)(unsafe.Pointer(&ti)), uint32(unsafe.Sizeof(ti))); err != nil {
			windows.CloseHandle(h)
			return 0, fi, 0, fmt.Errorf("reparse tag: %w", err)
		}
	}
	return h, fi, ti.ReparseTag, nil
}

// readDirRecords reads all of a folder's records with the first class the
// file system answers, starting with start.
func readDirRecords(h windows.Handle, start winDirClass) ([]winDirEntry, winDirClass, error) {
	words := make([]uint64, winDirBufSize/8) // 8-byte aligned, as the records' times are
	buf := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), winDirBufSize)
	var err error
	for _, c := range winDirClasses(start) {
		var entries []winDirEntry
		if entries, err = readDirClass(h, buf, c); err == nil {
			return entries, c, nil
		}
		if !winDirClassUnsupported(err) {
			return nil, start, err
		}
	}
	return nil, start, fmt.Errorf("no listing class is answered: %w", err)
}

// readDirClass reads all records of class c, from the folder's first: the
// restart class rewinds the handle's position.
func readDirClass(h windows.Handle, buf []byte, c winDirClass) ([]winDirEntry, error) {
	var entries []winDirEntry
	class := c.restart
	for {
		err := windows.GetFileInformationByHandleEx(h, class, &buf[0], uint32(len(buf)))
		switch {
		case errors.Is(err, windows.ERROR_NO_MORE_FILES):
			return entries, nil
		case errors.Is(err, windows.ERROR_FILE_NOT_FOUND) && class == c.restart:
			return entries, nil // an empty drive root has no "." (MS-FSA 2.1.5.6.3; go.dev/issue/61159)
		case err != nil:
			return nil, err
		}
		if entries, err = appendWinDir(entries, buf, c); err != nil {
			return nil, err
		}
		class = c.info
	}
}
