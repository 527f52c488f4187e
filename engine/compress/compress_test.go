package compress

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

func text(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString("the archive keeps every version of every file ")
		b.WriteString(strings.Repeat("x", i%7))
	}
	return b.Bytes()[:n]
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestCompressRoundTrip(t *testing.T) {
	mixed := append(text(200<<10), random(200<<10)...)
	cases := []struct {
		name string
		in   []byte
		want Algorithm
	}{
		{"empty", nil, None},
		{"tiny", []byte("abc"), None},
		{"text under minInput", text(minInput - 1), None},
		{"text of minInput", text(minInput), Zstd},
		{"small text", text(4 << 10), Zstd},
		{"large text", text(1 << 20), Zstd},
		{"small random", random(4 << 10), None},
		{"large random", random(1 << 20), None},
		{"half text half random", mixed, Zstd},
	}
	c := NewCompressor()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := []byte("keep")
			out, algo := c.Compress(bytes.Clone(prefix), tc.in)
			if algo != tc.want {
				t.Fatalf("algorithm %s, want %s", algo, tc.want)
			}
			if !bytes.HasPrefix(out, prefix) {
				t.Fatal("Compress did not append to dst")
			}
			payload := out[len(prefix):]
			if algo == Zstd && len(payload) >= len(tc.in) {
				t.Fatalf("zstd chosen but %d >= %d", len(payload), len(tc.in))
			}
			back, err := Decompress([]byte("x"), algo, payload, len(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back[1:], tc.in) || back[0] != 'x' {
				t.Fatal("round trip changed the data")
			}
		})
	}
}

func TestDecompressRejectsBadInput(t *testing.T) {
	c := NewCompressor()
	in := text(64 << 10)
	z, algo := c.Compress(nil, in)
	if algo != Zstd {
		t.Fatal("text did not compress")
	}
	cases := []struct {
		name    string
		algo    Algorithm
		payload []byte
		rawLen  int
	}{
		{"wrong size for raw", None, in, len(in) - 1},
		{"claims less than it holds", Zstd, z, len(in) - 10},
		{"claims more than it holds", Zstd, z, len(in) + 10},
		{"garbage", Zstd, []byte("not a zstd frame at all"), 100},
		{"truncated", Zstd, z[:len(z)/2], len(in)},
		{"empty", Zstd, nil, 10},
		{"zero size", Zstd, z, 0},
		{"unknown algorithm", Algorithm(9), z, len(in)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decompress(nil, tc.algo, tc.payload, tc.rawLen); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func FuzzDecompress(f *testing.F) {
	c := NewCompressor()
	z, _ := c.Compress(nil, text(8<<10))
	f.Add(z, 8<<10)
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd}, 10)
	f.Fuzz(func(t *testing.T, payload []byte, rawLen int) {
		if rawLen < 0 || rawLen > 1<<20 {
			return
		}
		out, err := Decompress(nil, Zstd, payload, rawLen)
		if err == nil && len(out) != rawLen {
			t.Fatalf("returned %d bytes, promised %d", len(out), rawLen)
		}
	})
}

// BenchmarkCompress measures large text and random data at Level, and the
// per-file cost of a home folder's typical file (4 KiB of text) at SmallLevel.
func BenchmarkCompress(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"text", text(1 << 20)},
		{"random", random(1 << 20)},
		{"small-text", text(4 << 10)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := NewCompressor()
			dst := make([]byte, 0, 2*len(bc.in))
			b.SetBytes(int64(len(bc.in)))
			for i := 0; i < b.N; i++ {
				dst, _ = c.Compress(dst[:0], bc.in)
			}
		})
	}
}
