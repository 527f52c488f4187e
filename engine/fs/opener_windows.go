//go:build windows

package fs

import "os"

// Opener opens files for reading like OpenFile. On Unix it keeps the folder
// of the last file open; Windows opens by path either way.
type Opener struct{}

// Open opens the file at an absolute path, as OpenFile does.
func (o *Opener) Open(path string) (*os.File, error) { return OpenFile(path) }

// Close does nothing here.
func (o *Opener) Close() {}
