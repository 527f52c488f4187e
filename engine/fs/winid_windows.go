package fs

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// fileBasicInfo is FILE_BASIC_INFO (winbase.h).
type fileBasicInfo struct {
	CreationTime, LastAccessTime, LastWriteTime, ChangeTime int64
	FileAttributes                                          uint32
	_                                                       uint32
}

// shareAll lets other programs read, write, rename and delete a file while
// Cairn has it open: a person saving or moving a file is never stopped by
// a backup.
const shareAll = windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE

// openRead opens the file at the system path p for reading, sharing it
// fully (os.Open does not share deletion). A file another program holds
// without sharing reads as ErrInUse.
func openRead(p string) (*os.File, error) {
	name, err := windows.UTF16PtrFromString(winLongPath(p))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	h, err := windows.CreateFile(name, windows.GENERIC_READ, shareAll, nil, windows.OPEN_EXISTING,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_SEQUENTIAL_SCAN, 0)
	if err != nil {
		return nil, inUseError(&os.PathError{Op: "open", Path: p, Err: err})
	}
	return os.NewFile(uintptr(h), p), nil
}

// ReadError classifies an error from reading an open file: a byte range
// another program locked (ERROR_LOCK_VIOLATION) reads as ErrInUse.
func ReadError(err error) error { return inUseError(err) }

// pathIDs reads the IDs of the entry at the system path p, without
// following a link unless follow, and its reparse tag when it is a reparse
// point. The handle asks for attributes only: a cloud placeholder is not
// downloaded, and a file open without sharing can still be described.
func pathIDs(p string, follow bool) (winIDs, uint32, error) {
	name, err := windows.UTF16PtrFromString(winLongPath(p))
	if err != nil {
		return winIDs{}, 0, fmt.Errorf("file ID of %s: %w", p, err)
	}
	flags := uint32(windows.FILE_FLAG_BACKUP_SEMANTICS) // folders too
	if !follow {
		flags |= windows.FILE_FLAG_OPEN_REPARSE_POINT
	}
	h, err := windows.CreateFile(name, windows.FILE_READ_ATTRIBUTES, shareAll, nil, windows.OPEN_EXISTING, flags, 0)
	if err != nil {
		return winIDs{}, 0, fmt.Errorf("open %s for its file ID: %w", p, err)
	}
	defer windows.CloseHandle(h)
	ids, err := handleIDs(h)
	if err != nil {
		return winIDs{}, 0, fmt.Errorf("file ID of %s: %w", p, err)
	}
	var ti fileAttributeTagInfo
	if err := windows.GetFileInformationByHandleEx(h, windows.FileAttributeTagInfo,
		(*byte)(unsafe.Pointer(&ti)), uint32(unsafe.Sizeof(ti))); err != nil {
		return winIDs{}, 0, fmt.Errorf("reparse tag of %s: %w", p, err)
	}
	return ids, ti.ReparseTag, nil
}

// fileIDInfo is FILE_ID_INFO (winbase.h).
type fileIDInfo struct {
	VolumeSerialNumber uint64
	FileID             [16]byte // FILE_ID_128, little-endian
}

// handleIDs reads the volume, file ID, change time and link count of an
// open file. The 128-bit FILE_ID_INFO is asked first: the same ID the
// folder listing gives (windir_windows.go), and the only unique one on
// ReFS; where it is not answered, nFileIndexHigh/Low.
func handleIDs(h windows.Handle) (winIDs, error) {
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		return winIDs{}, err
	}
	var bi fileBasicInfo
	if err := windows.GetFileInformationByHandleEx(h, windows.FileBasicInfo,
		(*byte)(unsafe.Pointer(&bi)), uint32(unsafe.Sizeof(bi))); err != nil {
		return winIDs{}, err
	}
	ids := winIDs{volume: fi.VolumeSerialNumber, idLow: uint64(fi.FileIndexHigh)<<32 | uint64(fi.FileIndexLow),
		changeTime: bi.ChangeTime, links: fi.NumberOfLinks}
	var ii fileIDInfo
	if err := windows.GetFileInformationByHandleEx(h, windows.FileIdInfo,
		(*byte)(unsafe.Pointer(&ii)), uint32(unsafe.Sizeof(ii))); err == nil {
		low, high := binary.LittleEndian.Uint64(ii.FileID[:8]), binary.LittleEndian.Uint64(ii.FileID[8:])
		if low != 0 || high != 0 {
			ids.idLow, ids.idHigh = low, high
		}
	}
	return ids, nil
}
