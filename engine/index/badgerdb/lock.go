package badgerdb

import "strings"

// lockFile is the file in the index folder that Badger holds for as long
// as a process has the index open.
const lockFile = "LOCK"

// Windows error codes for a file another process holds.
const (
	errorSharingViolation = 32 // ERROR_SHARING_VIOLATION: opened by another process that shares nothing
	errorLockViolation    = 33 // ERROR_LOCK_VIOLATION: a range of it is locked
)

// lockHeld says whether Badger's error msg from Open means that another
// process has the index open. probe is the Windows error code met when
// opening Badger's lock file again after the failure (0 when that worked,
// or not on Windows).
//
// On Unix Badger says so in its own words (flock refused the lock). On
// Windows it only says that it could not create the lock file, for any
// reason, and the system's code is lost (Badger formats it with %+v, in the
// system's language): the probe tells a file held by another process
// (a sharing or lock violation) from a real failure such as a folder Cairn
// may not write.
func lockHeld(msg string, probe uint32) bool {
	switch {
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return true
	case strings.Contains(msg, "Cannot create lock file"):
		return probe == errorSharingViolation || probe == errorLockViolation
	}
	return false
}
