//go:build !unix

package vault

import "os"

// Without flock the commit lock holds within one process only: run the
// administration commands that change objects while the server is stopped.
func flock(f *os.File, lock bool) error { return nil }

// TryLockFile always succeeds where there is no flock.
func TryLockFile(path string) (*os.File, bool, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	return f, err == nil, err
}
