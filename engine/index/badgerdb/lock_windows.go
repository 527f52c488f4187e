//go:build windows

package badgerdb

import (
	"errors"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// probeLock opens the index's lock file for reading, as another process
// would, and returns the Windows error code it met (0: it opened). Badger
// holds the file without sharing it, so while a process has the index
// open this meets ERROR_SHARING_VIOLATION. (An open for attributes only
// would succeed: sharing is checked only for opens that read or write.)
func probeLock(dir string) uint32 {
	p, err := windows.UTF16PtrFromString(filepath.Join(dir, lockFile))
	if err != nil {
		return 0
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err == nil {
		windows.CloseHandle(h)
		return 0
	}
	var code windows.Errno
	if errors.As(err, &code) {
		return uint32(code)
	}
	return 0
}
