//go:build unix

package fs

import (
	"os"

	"golang.org/x/sys/unix"
)

// Opener opens files for reading like OpenFile, keeping the folder of the
// last one open: a backup reads files folder by folder, so most opens look
// up one name in an open folder (openat) instead of resolving the whole path
// again, component by component. Not safe for concurrent use; Close it when
// done.
type Opener struct{ dir *Dir }

// Open opens the regular file at an absolute path, as OpenFile does.
func (o *Opener) Open(path string) (*os.File, error) {
	parent := dir(path)
	if len(path) >= unix.PathMax {
		return OpenFile(path) // opened folder by folder
	}
	if o.dir == nil || o.dir.path != parent {
		o.Close()
		d, err := OpenDir(parent)
		if err != nil {
			return OpenFile(path) // its error names the file, in the words it always used
		}
		o.dir = d
	}
	f, err := o.dir.Open(base(path))
	if IsNotExist(err) {
		// The folder kept open may have been replaced since (an
		// application saving a folder by renaming a new one over it):
		// the path decides, as it does for OpenFile.
		o.Close()
		return OpenFile(path)
	}
	return f, err
}

// Close closes the folder kept open.
func (o *Opener) Close() {
	if o.dir != nil {
		o.dir.Close()
		o.dir = nil
	}
}
