package badgerdb

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// trimSupported: Linux counts the mapped pages in a process's resident size.
const trimSupported = true

// sweep drops this process's pages of the index's table files and returns
// a fingerprint of the set of tables. Pinned tables get MADV_DONTNEED: on a
// shared file mapping the data stays in the page cache, and on disk; only
// the process's claim on it goes. Other table mappings (tables a compaction
// is writing, tables replaced but still read by an open iterator) may be
// unmapped while the sweep runs and their addresses reused for the heap,
// where MADV_DONTNEED would zero live memory; they get MADV_PAGEOUT, which
// never loses data whatever the mapping (it writes back, or swaps, or does
// nothing), at the price of dropping those pages from the page cache too.
func (t *trimmer) sweep() uint64 {
	ids, fp, release := t.pinned()
	defer release()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return fp
	}
	for len(maps) > 0 {
		line := maps
		if i := bytes.IndexByte(maps, '\n'); i >= 0 {
			line, maps = maps[:i], maps[i+1:]
		} else {
			maps = nil
		}
		start, end, id, ok := t.tableMapping(line)
		switch {
		case !ok:
		case ids[id]:
			unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_DONTNEED)
		default:
			unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_PAGEOUT)
		}
	}
	return fp
}

// tableMapping parses a line of /proc/self/maps ("start-end perms offset
// dev inode path") and says whether it maps a table file of this index.
func (t *trimmer) tableMapping(line []byte) (start, end uintptr, id uint64, ok bool) {
	line = bytes.TrimSuffix(line, []byte(" (deleted)"))
	slash := bytes.IndexByte(line, '/')
	if slash < 0 || !bytes.HasSuffix(line, []byte(".sst")) {
		return 0, 0, 0, false
	}
	path := string(line[slash:])
	if filepath.Dir(path) != t.dir {
		return 0, 0, 0, false
	}
	id, err := strconv.ParseUint(filepath.Base(path[:len(path)-len(".sst")]), 10, 64)
	if err != nil {
		return 0, 0, 0, false
	}
	rng, _, _ := bytes.Cut(line, []byte(" "))
	lo, hi, found := bytes.Cut(rng, []byte("-"))
	s, err1 := strconv.ParseUint(string(lo), 16, 64)
	e, err2 := strconv.ParseUint(string(hi), 16, 64)
	if !found || err1 != nil || err2 != nil || e <= s {
		return 0, 0, 0, false
	}
	return uintptr(s), uintptr(e), id, true
}
