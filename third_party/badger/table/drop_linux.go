package table

import "golang.org/x/sys/unix"

// dropPages (Cairn) takes the pages of a table just written through its
// mapping out of the process: they stay in the page cache and on disk, and
// come back as a minor fault when read. Linux counts every page written
// through a mapping in the process's resident size, so a large compaction's
// output made a first backup of a million files look 60-70 MiB bigger than
// one of 30,000. Only for a mapping nobody else holds yet.
func dropPages(b []byte) { _ = unix.Madvise(b, unix.MADV_DONTNEED) }
