package chunk

import (
	"testing"
)

// BenchmarkCut measures Cut over random data, which has no structure to help
// or hinder it: the cost is the hash loop over every byte past Min.
func BenchmarkCut(b *testing.B) {
	data := randomBytes(b, 64<<20, 1)
	for _, p := range benchParams {
		b.Run(p.String(), func(b *testing.B) {
			c := mustNew(b, p, testGear)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				for rest := data; len(rest) > 0; {
					rest = rest[c.Cut(rest):]
				}
			}
		})
	}
}

var benchParams = []Params{
	{Min: 2 << 10, Avg: 8 << 10, Max: 64 << 10},
	{Min: 64 << 10, Avg: 256 << 10, Max: 1 << 20},
	Default,
	{Min: 256 << 10, Avg: 1 << 20, Max: 4 << 20},
	{Min: 512 << 10, Avg: 2 << 20, Max: 8 << 20},
}

// BenchmarkHash measures the hash loop alone over every byte (no Min skip,
// a mask that never matches): the two-bytes-per-step loop of scan against the
// textbook one byte per step, to show the former is worth its lines.
func BenchmarkHash(b *testing.B) {
	data := randomBytes(b, 64<<20, 1)
	c := mustNew(b, Default, testGear)
	never := mask(62)
	b.Run("two bytes per step", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			c.scan(0, data, 0, len(data), never)
		}
	})
	b.Run("one byte per step", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			scanOneByte(&c.gear, data, never)
		}
	})
}

// scanOneByte is the hash loop of the 2016 paper.
func scanOneByte(g *Gear, data []byte, mask uint64) int {
	var h uint64
	for i, b := range data {
		h = h<<1 + g[b]
		if h&mask == 0 {
			return i + 1
		}
	}
	return 0
}
