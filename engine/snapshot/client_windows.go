//go:build windows

package snapshot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// New is the Opener of one backup pass (make one for each: the pass
// closes it): it connects to the open-file helper when the pass first
// meets a file in use.
func New() Opener {
	p := NewPass(dial, openShadow)
	p.same = sameVolume
	return p
}

// pipeAccess is what the client asks of the pipe: read and write, and
// READ_CONTROL to check its owner; not FILE_CREATE_PIPE_INSTANCE
// (FILE_APPEND_DATA), which the service's security descriptor does not
// give people.
const pipeAccess = windows.FILE_READ_DATA | windows.FILE_WRITE_DATA | windows.FILE_READ_ATTRIBUTES |
	windows.FILE_WRITE_ATTRIBUTES | windows.READ_CONTROL | windows.SYNCHRONIZE

// dial connects to the service and checks the pipe is the system's: a
// program that took the pipe's name while the service is stopped must not
// hand Cairn a "snapshot" of its own making. The service learns who calls
// by identifying the caller (identification level: it can read the
// caller's account, not act as it).
func dial(ctx context.Context) (Service, error) {
	c, err := winio.DialPipeAccessImpLevel(ctx, PipeName, pipeAccess, winio.PipeImpLevelIdentification)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		return nil, ErrNoHelper
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoHelper, err)
	}
	if err := checkServer(c); err != nil {
		c.Close()
		return nil, err
	}
	return NewConn(c), nil
}

// checkServer checks the pipe is owned by the system. The service sets
// that owner when it makes the pipe; a program of a person cannot (only
// its own account or groups may own what it makes), and the process
// behind the pipe cannot be asked instead: a person may not read a
// system process's token.
func checkServer(c any) error {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return errors.New("not a named pipe connection")
	}
	sd, err := windows.GetSecurityInfo(windows.Handle(f.Fd()), windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("read who owns %s: %w", PipeName, err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("read who owns %s: %w", PipeName, err)
	}
	if !owner.IsWellKnown(windows.WinLocalSystemSid) {
		return fmt.Errorf("%s is owned by %s, not by the system: not Cairn's open-file helper", PipeName, owner)
	}
	return nil
}

// openShadow opens a file inside a shadow copy (a \\?\GLOBALROOT path)
// for reading, sharing it fully as fs does.
func openShadow(path string) (*os.File, error) {
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	share := uint32(windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE)
	h, err := windows.CreateFile(name, windows.GENERIC_READ, share, nil, windows.OPEN_EXISTING,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_SEQUENTIAL_SCAN, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// sameVolume says whether this process sees the volume GUID name volume
// at the drive root.
func sameVolume(root, volume string) bool {
	r, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return false
	}
	buf := make([]uint16, 64)
	if err := windows.GetVolumeNameForVolumeMountPoint(r, &buf[0], uint32(len(buf))); err != nil {
		return false
	}
	return strings.EqualFold(windows.UTF16ToString(buf), volume)
}
