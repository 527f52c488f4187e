package compress

import (
	"errors"
	"fmt"
	"sync"
)

// Algorithm identifies how a payload was compressed. Stored in the archive.
type Algorithm byte

// Algorithms. Never renumber: old archives carry these values.
const (
	None Algorithm = 0
	Zstd Algorithm = 1
)

func (a Algorithm) String() string {
	switch a {
	case None:
		return "none"
	case Zstd:
		return "zstd"
	}
	return fmt.Sprintf("algorithm %d", byte(a))
}

// Level is the zstd level. Measured on the benchmark corpus (make bench, 1 GiB,
// half of it text): level 1 stores 582.6 MiB, level 2 577.3 MiB, level 3
// 572.9 MiB; a first backup takes 2.29 s, 2.37 s and 2.70 s. Level 2 buys
// most of the size for little time; compression is the most expensive step
// of a first backup.
const Level = 2

// SmallLevel is the zstd level for data under smallInput (a small file, or
// the tail of a large one). On the 263,729 files under 64 KiB of make
// bench-scale's 300,000-file tree (home folder text and mail, 1.02 GB) level 1
// takes 15.1–15.4 µs a file against 16.5–16.9 µs for level 2, and stores
// 37.88 % of the input against 37.96 %. On the small files of the benchmark
// corpus the two take the same time and level 1 stores 0.2 MiB more.
const SmallLevel = 1

// smallInput is where data stops being small: under it data is compressed
// at SmallLevel, without sampling first (trying costs no more than deciding).
const smallInput = 64 << 10

// minInput is the smallest input worth compressing. On the 103,746 files
// under 256 bytes of make bench-scale's 300,000-file tree (a third of its
// files: configuration, notes, mail flags) zstd took 2.2 µs a file to save
// 14 bytes of each, about 0.7 CPU s of a first backup of a million files for
// 5 MB; under 512 bytes it saved 140 bytes a file at 4.3 µs.
const minInput = 256

// sampleSize and the sample count decide quickly whether data compresses.
const (
	sampleSize = 4 << 10
	// skipRatio: a sample that keeps more than this share of its size is
	// considered incompressible.
	skipRatio = 0.97
)

// ErrCorrupt: a payload did not decompress to its recorded size.
var ErrCorrupt = errors.New("compressed data is corrupt")

// Compressor compresses chunks. NOT safe for concurrent use: one per goroutine.
type Compressor struct {
	enc    *encoder
	sample []byte
}

// NewCompressor returns a Compressor.
func NewCompressor() *Compressor { return &Compressor{enc: newEncoder()} }

// Compress returns the payload to store for src, appended to dst, and the
// algorithm used: Zstd when that makes it smaller, otherwise None with the
// bytes of src as they are.
func (c *Compressor) Compress(dst, src []byte) ([]byte, Algorithm) {
	if len(src) < minInput || !c.worthTrying(src) {
		return append(dst, src...), None
	}
	n := len(dst)
	level := Level
	if len(src) < smallInput {
		level = SmallLevel
	}
	out, err := c.enc.encode(dst, src, level)
	if err != nil || len(out)-n >= len(src) {
		return append(dst[:n], src...), None
	}
	return out, Zstd
}

// worthTrying compresses three small samples (start, middle, end) of a large
// input: if none of them shrinks, neither will the whole.
func (c *Compressor) worthTrying(src []byte) bool {
	if len(src) < smallInput {
		return true
	}
	for _, off := range []int{0, len(src)/2 - sampleSize/2, len(src) - sampleSize} {
		out, err := c.enc.encode(c.sample[:0], src[off:off+sampleSize], Level)
		if err != nil {
			return true
		}
		c.sample = out
		if float64(len(out)) < skipRatio*sampleSize {
			return true
		}
	}
	return false
}

// Decompressor decompresses payloads, reusing its decoder state. NOT safe
// for concurrent use: one per goroutine.
type Decompressor struct{ dec decoder }

// NewDecompressor returns a Decompressor.
func NewDecompressor() *Decompressor { return &Decompressor{dec: newDecoder()} }

var decompressors = sync.Pool{New: func() any { return NewDecompressor() }}

// Decompress is Decompressor.Decompress with a pooled Decompressor.
func Decompress(dst []byte, algo Algorithm, payload []byte, rawLen int) ([]byte, error) {
	d := decompressors.Get().(*Decompressor)
	defer decompressors.Put(d)
	return d.Decompress(dst, algo, payload, rawLen)
}

// Decompress appends the original of payload to dst. rawLen is the size the
// original had (recorded when it was stored); anything else is ErrCorrupt, so
// a forged payload cannot make Cairn allocate more than rawLen.
func (d *Decompressor) Decompress(dst []byte, algo Algorithm, payload []byte, rawLen int) ([]byte, error) {
	switch algo {
	case None:
		if len(payload) != rawLen {
			return nil, fmt.Errorf("stored %d bytes, expected %d: %w", len(payload), rawLen, ErrCorrupt)
		}
		return append(dst, payload...), nil
	case Zstd:
		n := len(dst)
		out, err := d.dec.decode(dst, payload, rawLen)
		if err != nil {
			return nil, fmt.Errorf("zstd: %v: %w", err, ErrCorrupt)
		}
		if len(out)-n != rawLen {
			return nil, fmt.Errorf("decompressed %d bytes, expected %d: %w", len(out)-n, rawLen, ErrCorrupt)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown compression %s (made by a newer Cairn?): %w", algo, ErrCorrupt)
}
