package fs

import (
	"errors"
	"os"
	"syscall"
)

// ErrInUse says another program holds a file open without letting others
// read it (Windows: Outlook's .pst and .ost, a database's files). The file
// is not safe until a pass finds it closed or reads it from a Volume Shadow
// Copy (engine/snapshot, through backup.Options.InUse: only where Cairn
// was installed for everyone, which adds the helper service that makes
// them); the passes try it again each time.
var ErrInUse = errors.New("in use by another program (Outlook keeps its .pst open): backed up when it is closed")

// Windows error numbers (winerror.h) that say a file is in use, here
// rather than in a _windows.go file so inUseError is tested everywhere.
const (
	winErrSharingViolation = 32 // ERROR_SHARING_VIOLATION: opened without sharing
	winErrLockViolation    = 33 // ERROR_LOCK_VIOLATION: a byte range is locked
)

// inUseError classifies an error from opening or reading a file on
// Windows: a sharing or lock violation becomes ErrInUse (keeping the
// operation and path of an *os.PathError); any other error is returned as
// it is. Only the Windows code calls it: on Linux the same numbers mean
// EPIPE and EDOM.
func inUseError(err error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) || (errno != winErrSharingViolation && errno != winErrLockViolation) {
		return err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return &os.PathError{Op: pe.Op, Path: pe.Path, Err: ErrInUse}
	}
	return ErrInUse
}
