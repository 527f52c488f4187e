package fs

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// fileAttributeTagInfo is FILE_ATTRIBUTE_TAG_INFO (winbase.h).
type fileAttributeTagInfo struct {
	FileAttributes uint32
	ReparseTag     uint32
}

// reparseTag reads the reparse tag of the reparse point at the system path
// p without following it, and without touching its data: the handle asks
// only for attributes, so a cloud placeholder is not downloaded.
func reparseTag(p string) (uint32, error) {
	name, err := windows.UTF16PtrFromString(winLongPath(p))
	if err != nil {
		return 0, fmt.Errorf("reparse tag of %s: %w", p, err)
	}
	h, err := windows.CreateFile(name, windows.FILE_READ_ATTRIBUTES,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_OPEN_REPARSE_POINT|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return 0, fmt.Errorf("open %s for its reparse tag: %w", p, err)
	}
	defer windows.CloseHandle(h)
	var ti fileAttributeTagInfo
	err = windows.GetFileInformationByHandleEx(h, windows.FileAttributeTagInfo,
		(*byte)(unsafe.Pointer(&ti)), uint32(unsafe.Sizeof(ti)))
	if err != nil {
		return 0, fmt.Errorf("reparse tag of %s: %w", p, err)
	}
	return ti.ReparseTag, nil
}
