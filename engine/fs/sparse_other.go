//go:build !linux

package fs

import "os"

// SparseSupported says whether NextData and NextHole find real holes here:
// not on this system, where a file reads as data from start to end (its
// holes read as zeros, which the backup stores once and the restore turns
// back into holes).
const SparseSupported = false

// NextData returns off: every byte counts as data here.
func NextData(f *os.File, off int64) (int64, error) { return off, nil }

// NextHole returns the file's size: the only hole here is its end.
func NextHole(f *os.File, off int64) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
