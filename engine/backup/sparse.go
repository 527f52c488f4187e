package backup

import (
	"bytes"
	"io"
	"math"
	"os"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
)

// sparseMin is the size from which a file is asked where its holes are
// (one lseek): below it holes are rare, and the question would cost a system
// call for every small file.
const sparseMin = 1 << 20

// fileReader returns what the backup reads f through: f itself, or for a
// large file with holes, a reader that gives the holes as zeros without
// reading them.
func fileReader(f *os.File, size int64) io.Reader {
	if !fs.SparseSupported || size < sparseMin {
		return f
	}
	if h, err := fs.NextHole(f, 0); err != nil || h >= size {
		if _, err := f.Seek(0, io.SeekStart); err == nil { // NextHole moved the offset
			return f
		}
	}
	return &sparseReader{f: f, size: size}
}

// sparseReader reads a file from its start with ReadAt, from the offsets
// SEEK_DATA and SEEK_HOLE give: zeros for [off, data), the file's bytes for
// [data, hole), then it asks again.
type sparseReader struct {
	f          *os.File
	size       int64 // as fstat gave it before reading: a hole up to the end stops here
	off        int64 // the next byte to give
	data, hole int64
}

func (r *sparseReader) Read(p []byte) (int, error) {
	if r.off >= r.hole {
		r.locate()
	}
	if r.off < r.data {
		n := int(min(int64(len(p)), r.data-r.off))
		clear(p[:n])
		r.off += int64(n)
		return n, nil
	}
	n := int(min(int64(len(p)), r.hole-r.off))
	k, err := r.f.ReadAt(p[:n], r.off)
	r.off += int64(k)
	return k, err
}

// locate finds the next data region at or after r.off. A file that changes
// meanwhile is still read correctly (a hole is only ever skipped where the
// system says there is one now), and the stat after the read notices the
// change; when the system cannot say, the rest is read as data.
func (r *sparseReader) locate() {
	d, err := fs.NextData(r.f, r.off)
	switch {
	case err == io.EOF: // a hole up to the end
		r.data, r.hole = max(r.size, r.off), math.MaxInt64
		return
	case err != nil || d < r.off:
		r.data, r.hole = r.off, math.MaxInt64
		return
	}
	h, err := fs.NextHole(r.f, d)
	if err != nil || h <= d {
		h = math.MaxInt64
	}
	r.data, r.hole = d, h
}

// zeroChunks remembers the IDs of all-zero chunks by length, for one worker:
// a file's holes come back as long runs of zeros cut into chunks of a few
// lengths (mostly the largest), and hashing them again and again would make
// a 200 MB hole cost as much as 200 MB of data.
type zeroChunks map[int]engine.ChunkID

// maxZeroChunks bounds the map: past it, a zero chunk is simply hashed.
const maxZeroChunks = 16

var zeroPage [64 << 10]byte

// isZero says whether b holds only zeros; it stops at the first page that
// does not, so data costs almost nothing to check.
func isZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroPage))
		if !bytes.Equal(b[:n], zeroPage[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// id returns data's chunk ID, from the map when data is all zeros.
func (z zeroChunks) id(data []byte, sum func([]byte) engine.ChunkID) engine.ChunkID {
	if len(data) == 0 || data[0] != 0 || data[len(data)-1] != 0 || !isZero(data) {
		return sum(data)
	}
	if id, ok := z[len(data)]; ok {
		return id
	}
	id := sum(data)
	if len(z) < maxZeroChunks {
		z[len(data)] = id
	}
	return id
}
