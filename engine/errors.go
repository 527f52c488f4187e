package engine

import "errors"

// Sentinel errors that cross package boundaries. Wrap them with context;
// test for them with errors.Is.
var (
	// ErrWrongPassword: the password does not unlock any key of the archive.
	ErrWrongPassword = errors.New("wrong password")
	// ErrNotFound: the named path, version, destination or object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDamaged: stored data failed authentication or is truncated.
	ErrDamaged = errors.New("damaged data")
	// ErrDestinationFull: the destination has no room for more data.
	ErrDestinationFull = errors.New("destination is full")
	// ErrLocked: another process holds the index or the destination.
	ErrLocked = errors.New("in use by another process")
	// ErrNoArchive: the destination holds no Cairn archive.
	ErrNoArchive = errors.New("no archive")
)
