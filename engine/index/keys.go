package index

import (
	"bytes"
	"encoding/binary"
	"math"
)

// Dest numbers a destination inside the index.
type Dest uint16

// Key tables.
const (
	tChunk      = 'c'
	tPack       = 'p'
	tPackName   = 'n'
	tVersion    = 'v'
	tStat       = 's'
	tSegment    = 'g'
	tSegmentNum = 'G'
	tMeta       = 'm'
	tMark       = 'k' // scratch space for prune's mark phase
)

func prefix(t byte, d Dest) []byte {
	return []byte{t, byte(d >> 8), byte(d)}
}

func key(t byte, d Dest, parts ...[]byte) []byte {
	n := 3
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 3, n)
	k[0], k[1], k[2] = t, byte(d>>8), byte(d)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// inv orders versions of a path newest first.
func inv(recorded int64) []byte {
	if recorded < 0 {
		recorded = 0
	}
	return binary.BigEndian.AppendUint64(nil, math.MaxUint64-uint64(recorded))
}

func uninv(b []byte) int64 {
	return int64(math.MaxUint64 - binary.BigEndian.Uint64(b))
}

// childPrefix is the key fragment under which the entries of folder dir start.
func childPrefix(dir string) string {
	if len(dir) > 0 && dir[len(dir)-1] == '/' {
		return dir
	}
	return dir + "/"
}

// versionKey is 'v' d path 0 inv(recorded).
func versionKey(d Dest, path string, recorded int64) []byte {
	return key(tVersion, d, []byte(path), []byte{0}, inv(recorded))
}

// splitVersionKey returns the path and recorded time of a version key
// (without its 3-byte table prefix).
func splitVersionKey(k []byte) (path []byte, recorded int64, ok bool) {
	if len(k) < 9 || k[len(k)-9] != 0 {
		return nil, 0, false
	}
	return k[:len(k)-9], uninv(k[len(k)-8:]), true
}

// afterSubtree returns the smallest key greater than every key that starts
// with p+"/" (p followed by '/'+1), used to skip a child's subtree.
func afterSubtree(p []byte) []byte {
	return append(append([]byte(nil), p...), '/'+1)
}

// afterPath is the smallest key after every version key of path p.
func afterPath(p []byte) []byte {
	return append(append([]byte(nil), p...), 1)
}

func hasPrefix(b, p []byte) bool { return bytes.HasPrefix(b, p) }
