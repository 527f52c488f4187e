//go:build windows

package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
)

// stateDir is %ProgramData%\Cairn\vss, made when missing, and checked to
// be a folder only the system and administrators control: the service
// deletes the shadow copies its file names.
func stateDir() (string, error) {
	pd, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil {
		return "", err
	}
	cairn := filepath.Join(pd, "Cairn")
	// Cairn's own folder, as the setup makes it: people may read it.
	if err := ensureFolder(cairn, "O:SYG:SYD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)"); err != nil {
		return "", err
	}
	vss := filepath.Join(cairn, "vss")
	if err := ensureFolder(vss, stateSecurity); err != nil {
		return "", err
	}
	return vss, nil
}

// ensureFolder makes the folder path with the security descriptor sddl
// when it is missing, and checks it is one to trust (trustedFolder).
func ensureFolder(path, sddl string) error {
	err := checkFolder(path)
	if !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return err
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	if err := windows.CreateDirectory(p, sa); err != nil && !errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		return fmt.Errorf("make %s: %w", path, err)
	}
	return checkFolder(path)
}

// checkFolder opens path itself (not what a link there points to) and
// checks its kind and owner.
func checkFolder(path string) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	h, err := windows.CreateFile(p, windows.READ_CONTROL|windows.FILE_READ_ATTRIBUTES,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_BACKUP_SEMANTICS|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		err = windows.ERROR_FILE_NOT_FOUND
	}
	if err != nil {
		return err
	}
	defer windows.CloseHandle(h)
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	sd, err := windows.GetSecurityInfo(h, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("read the owner of %s: %w", path, err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("read the owner of %s: %w", path, err)
	}
	isDir := fi.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0
	reparse := fi.FileAttributes&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0
	if !trustedFolder(isDir, reparse, owner.String()) {
		return fmt.Errorf("%s is not a folder owned by the system or the administrators (owner %s): not trusted", path, owner)
	}
	return nil
}
