package backup

import (
	"encoding/binary"

	"github.com/cairnbackup/cairn/engine"
)

// newChunks is a Bloom filter of the chunks a pass has claimed, for a pass
// into an archive that held no chunk when it began (a first backup). Every
// chunk the index learns during such a pass is one the pass claimed, so a
// chunk the filter has never seen is new to the archive, and its index lookup
// can be skipped. That lookup is a miss in every level of the index, and the
// largest cost of the index in a first backup (about 6 % of the CPU at
// 300,000 files, mostly blocks read for the bloom filters' false positives).
//
// Its size is fixed, so memory does not grow with the number of files: past
// a few million chunks it says "maybe" ever more often and the lookups come
// back, which costs time, never a wrong answer. Not safe for concurrent use
// (flights guards it).
type newChunks struct{ bits []uint64 }

const (
	newChunksBits   = 1 << 23 // 1 MiB: at a million chunks about 2 % "maybe" for a new chunk
	newChunksHashes = 4
)

func newNewChunks() *newChunks { return &newChunks{bits: make([]uint64, newChunksBits/64)} }

// Chunk IDs are keyed hashes, evenly spread: their bytes are the filter's
// hash functions.
func (f *newChunks) positions(id *engine.ChunkID) [newChunksHashes]uint64 {
	var pos [newChunksHashes]uint64
	for i := range pos {
		pos[i] = binary.LittleEndian.Uint64(id[8*i:]) & (newChunksBits - 1)
	}
	return pos
}

func (f *newChunks) add(id *engine.ChunkID) {
	for _, p := range f.positions(id) {
		f.bits[p/64] |= 1 << (p % 64)
	}
}

// seen is false only for a chunk never added.
func (f *newChunks) seen(id *engine.ChunkID) bool {
	for _, p := range f.positions(id) {
		if f.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}
