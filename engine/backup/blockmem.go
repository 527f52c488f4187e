package backup

import "sync"

// File data in flight lives outside the Go heap (blockmem_unix.go,
// blockmem_windows.go): the blocks are a fixed pool, live for the whole
// pass, and were a quarter of the heap at the peak of a large first backup.
// On the heap they counted against the soft memory limit (app/cairn), so the
// collector ran nearly without pause once the rest of the live heap came
// near it (1,781 collections in a 20 s first backup of 300,000 files).
// Off the heap they cost the same resident memory and nothing to collect.
//
// Regions are never unmapped: a region a pass is done with goes back to a
// process-wide free list with its pages released (the daemon makes many
// passes), so no stale slice can ever point at unmapped memory.
var blockMem struct {
	mu   sync.Mutex
	free map[int][][]byte // by size
}

// allocBlock returns a region of size bytes (its content undefined) outside
// the Go heap, mapped true, or on the heap where the OS gives none.
func allocBlock(size int) (b []byte, mapped bool) {
	blockMem.mu.Lock()
	if l := blockMem.free[size]; len(l) > 0 {
		b := l[len(l)-1]
		blockMem.free[size] = l[:len(l)-1]
		blockMem.mu.Unlock()
		return b, true
	}
	blockMem.mu.Unlock()
	if b, ok := mapBlock(size); ok {
		return b, true
	}
	return make([]byte, size), false
}

// freeBlock gives back a mapped region a finished pass is done with: its
// pages are released to the OS and the region kept for the next pass.
func freeBlock(b []byte) {
	releaseBlock(b)
	blockMem.mu.Lock()
	defer blockMem.mu.Unlock()
	if blockMem.free == nil {
		blockMem.free = map[int][][]byte{}
	}
	blockMem.free[len(b)] = append(blockMem.free[len(b)], b)
}
