//go:build !linux

package badgerdb

// trimSupported is false here: macOS and Windows leave clean pages of
// mapped files out of the memory they show for a process (its footprint,
// its private working set), and take them back when memory runs short.
const trimSupported = false

func (t *trimmer) sweep() uint64 { return 0 }
