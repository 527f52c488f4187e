package chunk

import "testing"

// FuzzCut checks Cut against its specification and the invariants of Split
// for small params, where fuzzed inputs hold several chunks.
func FuzzCut(f *testing.F) {
	f.Add([]byte("hello, world"), uint16(4), uint8(0), uint16(0), []byte("seed"))
	f.Add(make([]byte, 300), uint16(63), uint8(0), uint16(100), []byte(nil))
	f.Add(randomBytes(f, 5000, 1), uint16(100), uint8(3), uint16(1000), []byte("x"))
	f.Fuzz(func(t *testing.T, data []byte, minRaw uint16, avgLog uint8, maxRaw uint16, seed []byte) {
		p := fuzzParams(minRaw, avgLog, maxRaw)
		g := NewGear(seed)
		c := mustNew(t, p, g)
		for rest := data; len(rest) > 0; {
			got, want := c.Cut(rest), specCut(p, g, rest)
			if got != want {
				t.Fatalf("params %v: Cut = %d, spec says %d", p, got, want)
			}
			rest = rest[got:]
		}
		checkSplit(t, c, data)
	})
}

// fuzzParams maps fuzzer numbers to valid Params with Avg in [64, 2048].
func fuzzParams(minRaw uint16, avgLog uint8, maxRaw uint16) Params {
	avg := MinAvg << (avgLog % 6)
	return Params{Min: 1 + int(minRaw)%avg, Avg: avg, Max: avg + int(maxRaw)%(4*avg)}
}
