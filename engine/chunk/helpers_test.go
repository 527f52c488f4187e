package chunk

import (
	"math/rand/v2"
	"testing"
)

// testGear is the gear table of the tests and benchmarks.
var testGear = NewGear([]byte("cairn chunk test seed"))

// randomBytes returns n pseudo-random bytes, the same for the same seed.
func randomBytes(t testing.TB, n int, seed uint64) []byte {
	t.Helper()
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	buf := make([]byte, n)
	_, _ = rand.NewChaCha8(key).Read(buf)
	return buf
}

func mustNew(t testing.TB, p Params, g *Gear) *Chunker {
	t.Helper()
	c, err := New(p, g)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lengths returns the chunk lengths Split finds in data.
func lengths(c *Chunker, data []byte) []int {
	var ls []int
	for _, ch := range c.Split(data) {
		ls = append(ls, len(ch))
	}
	return ls
}

// specCut is Cut as its doc comment states it, one candidate length at a
// time, hashing the window from scratch for each: slow, and independent of
// the two-bytes-per-step loop and the warm-up.
func specCut(p Params, g *Gear, data []byte) int {
	n := len(data)
	if n <= p.Min {
		return n
	}
	n = min(n, p.Max)
	strict, loose := masks(p.Avg)
	for l := p.Min; l < n; l++ {
		m := loose
		if l < p.Avg {
			m = strict
		}
		if windowHash(g, data[max(0, l-window):l])&m == 0 {
			return l
		}
	}
	return n
}

func windowHash(g *Gear, w []byte) uint64 {
	var h uint64
	for _, b := range w {
		h = h<<1 + g[b]
	}
	return h
}

// sharedBytes returns how many bytes of edited are in chunks that also occur
// in orig.
func sharedBytes(c *Chunker, orig, edited []byte) int {
	seen := make(map[string]bool)
	for _, ch := range c.Split(orig) {
		seen[string(ch)] = true
	}
	shared := 0
	for _, ch := range c.Split(edited) {
		if seen[string(ch)] {
			shared += len(ch)
		}
	}
	return shared
}
