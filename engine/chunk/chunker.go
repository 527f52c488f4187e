package chunk

import "fmt"

// window is how many bytes the gear hash sees: every byte shifts the hash one
// bit left, so after 64 bytes a byte has left all 64 bits.
const window = 64

// Chunker finds cut points. It is immutable and safe for concurrent use.
type Chunker struct {
	p      Params
	gear   Gear // gear[b]
	gear2  Gear // gear[b] << 1, for the first byte of a two-byte step
	strict uint64
	loose  uint64
}

// New returns a Chunker for p and g. It copies g. The error wraps
// ErrInvalidParams and says which constraint p breaks.
func New(p Params, g *Gear) (*Chunker, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if g == nil {
		return nil, fmt.Errorf("chunk: nil gear table")
	}
	c := &Chunker{p: p, gear: *g}
	for i, v := range g {
		c.gear2[i] = v << 1
	}
	c.strict, c.loose = masks(p.Avg)
	return c, nil
}

// Params returns the sizes c was made with.
func (c *Chunker) Params() Params { return c.p }

// Cut returns the length of the first chunk of data.
//
// The caller passes at least Max bytes unless data is the end of the stream;
// then the last chunk is whatever remains. Cut returns len(data) when
// len(data) <= Min, never 0 for non-empty data, and never more than Max.
//
// A chunk of length L (Min <= L <= Max) ends where the gear hash of the 64
// bytes before it (fewer when L < 64) has all the bits of the mask clear; the
// mask is the strict one while L < Avg and the loose one from Avg on. The cut
// is the first such L, or Max. Because the hash is warmed up over the window
// before Min, whether L qualifies depends only on those 64 bytes and on L.
func (c *Chunker) Cut(data []byte) int {
	n := len(data)
	if n <= c.p.Min {
		return n
	}
	n = min(n, c.p.Max)
	first := c.p.Min - 1 // index of the last byte of the shortest chunk
	h := c.warm(data[max(0, first-window+1):first])
	normal := min(n, c.p.Avg-1) // Min <= Avg, so normal >= first
	h, cut := c.scan(h, data, first, normal, c.strict)
	if cut > 0 {
		return cut
	}
	_, cut = c.scan(h, data, normal, n, c.loose)
	if cut > 0 {
		return cut
	}
	return n
}

// warm returns the gear hash over data without testing for cuts.
func (c *Chunker) warm(data []byte) uint64 {
	var h uint64
	for _, b := range data {
		h = h<<1 + c.gear[b]
	}
	return h
}

// scan rolls h over data[from:to] and returns the length of the chunk ending
// at the first byte whose hash has all bits of mask clear; if none does, it
// returns 0 and the hash after data[to-1], to carry on with.
//
// It takes two bytes per step (FastCDC 2020's "rolling two bytes"): the hash
// after both is h<<2 + (gear2[a] + gear[b]), one shift and one add on the
// dependency chain, and the hash after the first, h<<1 + gear[a], is tested
// as h<<2 + gear2[a] against mask<<1, off the chain.
func (c *Chunker) scan(h uint64, data []byte, from, to int, mask uint64) (uint64, int) {
	mask2 := mask << 1
	p := data[from:to]
	i := 1
	for ; i < len(p); i += 2 {
		a, b := c.gear2[p[i-1]], c.gear[p[i]]
		hs := h << 2
		h = hs + (a + b)
		if (hs+a)&mask2 == 0 {
			return h, from + i
		}
		if h&mask == 0 {
			return h, from + i + 1
		}
	}
	if i == len(p) { // one byte left
		h = h<<1 + c.gear[p[i-1]]
		if h&mask == 0 {
			return h, to
		}
	}
	return h, 0
}

// Split returns all chunks of data, in order, as sub-slices of data. It is
// for whole buffers: tests and restore verification.
func (c *Chunker) Split(data []byte) [][]byte {
	var chunks [][]byte
	for len(data) > 0 {
		n := c.Cut(data)
		chunks = append(chunks, data[:n:n])
		data = data[n:]
	}
	return chunks
}
