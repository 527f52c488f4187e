package chunk

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// smallParams keep chunks small so short buffers hold many of them.
var smallParams = []Params{
	{Min: 1, Avg: 64, Max: 64},
	{Min: 16, Avg: 64, Max: 256},
	{Min: 64, Avg: 256, Max: 1024},
	{Min: 100, Avg: 512, Max: 3000},
	{Min: 512, Avg: 512, Max: 512},
	{Min: 2 << 10, Avg: 8 << 10, Max: 64 << 10},
}

func TestCutMatchesSpec(t *testing.T) {
	data := randomBytes(t, 256<<10, 7)
	for _, p := range smallParams {
		t.Run(p.String(), func(t *testing.T) {
			c := mustNew(t, p, testGear)
			for off := 0; off < len(data); {
				got, want := c.Cut(data[off:]), specCut(p, testGear, data[off:])
				if got != want {
					t.Fatalf("Cut at offset %d = %d, spec says %d", off, got, want)
				}
				off += got
			}
		})
	}
}

func TestCutShortInput(t *testing.T) {
	p := Params{Min: 100, Avg: 256, Max: 1000}
	c := mustNew(t, p, testGear)
	data := randomBytes(t, 2000, 3)
	tests := []struct {
		name string
		n    int
		want func(int) bool
	}{
		{"empty", 0, func(got int) bool { return got == 0 }},
		{"one byte", 1, func(got int) bool { return got == 1 }},
		{"below min", 99, func(got int) bool { return got == 99 }},
		{"exactly min", 100, func(got int) bool { return got == 100 }},
		{"min plus one", 101, func(got int) bool { return got >= 100 && got <= 101 }},
		{"below max", 999, func(got int) bool { return got >= 100 && got <= 999 }},
		{"above max", 2000, func(got int) bool { return got >= 100 && got <= 1000 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Cut(data[:tt.n]); !tt.want(got) {
				t.Errorf("Cut(%d bytes) = %d", tt.n, got)
			}
		})
	}
}

func TestCutRepeatedByteHitsMax(t *testing.T) {
	// A run of one byte value has one hash, which for this gear has mask
	// bits set: no content cut, every chunk is Max.
	p := Params{Min: 64, Avg: 256, Max: 1000}
	c := mustNew(t, p, testGear)
	data := bytes.Repeat([]byte{0}, 4500)
	want := []int{1000, 1000, 1000, 1000, 500}
	if got := lengths(c, data); !slices.Equal(got, want) {
		t.Errorf("chunks of zeros = %v, want %v", got, want)
	}
}

func TestSplitBoundsAndCoverage(t *testing.T) {
	data := randomBytes(t, 8<<20, 11)
	for _, p := range append(smallParams, Params{Min: 64 << 10, Avg: 256 << 10, Max: 1 << 20}) {
		t.Run(p.String(), func(t *testing.T) {
			checkSplit(t, mustNew(t, p, testGear), data)
		})
	}
}

// checkSplit asserts that the chunks of data tile it in order and that all
// but the last are within [Min, Max].
func checkSplit(t *testing.T, c *Chunker, data []byte) {
	t.Helper()
	p, off := c.Params(), 0
	chunks := c.Split(data)
	for i, ch := range chunks {
		last := i == len(chunks)-1
		if len(ch) > p.Max || len(ch) == 0 || (!last && len(ch) < p.Min) {
			t.Fatalf("chunk %d of %d has length %d, outside [%d, %d]", i, len(chunks), len(ch), p.Min, p.Max)
		}
		if &ch[0] != &data[off] {
			t.Fatalf("chunk %d does not start at offset %d of the input", i, off)
		}
		off += len(ch)
	}
	if off != len(data) {
		t.Fatalf("chunks cover %d bytes of %d", off, len(data))
	}
}

func TestSplitEmpty(t *testing.T) {
	if got := mustNew(t, Default, testGear).Split(nil); len(got) != 0 {
		t.Errorf("Split(nil) = %d chunks, want none", len(got))
	}
}

func TestDeterministic(t *testing.T) {
	data := randomBytes(t, 4<<20, 5)
	p := Params{Min: 16 << 10, Avg: 64 << 10, Max: 256 << 10}
	seed := []byte("same seed")
	first := lengths(mustNew(t, p, NewGear(seed)), data)
	second := lengths(mustNew(t, p, NewGear(seed)), data)
	if !slices.Equal(first, second) {
		t.Errorf("same seed, same data, different cuts:\n%v\n%v", first, second)
	}
	if len(first) < 10 {
		t.Errorf("only %d chunks in 4 MiB at avg 64 KiB", len(first))
	}
}

func TestGearSeedsDiffer(t *testing.T) {
	data := randomBytes(t, 4<<20, 5)
	p := Params{Min: 16 << 10, Avg: 64 << 10, Max: 256 << 10}
	seen := make(map[string]string)
	for _, seed := range []string{"", "a", "b", "archive 1", "archive 2"} {
		cuts := fmt.Sprint(lengths(mustNew(t, p, NewGear([]byte(seed))), data))
		if other, ok := seen[cuts]; ok {
			t.Errorf("seeds %q and %q give the same cuts", seed, other)
		}
		seen[cuts] = seed
	}
}

func TestBoundaryStability(t *testing.T) {
	orig := randomBytes(t, 32<<20, 13)
	tests := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"insert 1 byte at 0", func(b []byte) []byte { return slices.Insert(b, 0, 'x') }},
		{"insert 7 bytes at 1000", func(b []byte) []byte { return slices.Insert(b, 1000, []byte("inserts")...) }},
		{"delete 3 bytes at 4096", func(b []byte) []byte { return slices.Delete(b, 4096, 4099) }},
		{"overwrite 5 bytes at 300000", func(b []byte) []byte { copy(b[300000:], "xxxxx"); return b }},
		{"insert 100 bytes at 2 MiB", func(b []byte) []byte { return slices.Insert(b, 2<<20, make([]byte, 100)...) }},
	}
	params := []Params{Default, {Min: 64 << 10, Avg: 256 << 10, Max: 1 << 20}, {Min: 2 << 10, Avg: 8 << 10, Max: 64 << 10}}
	for _, p := range params {
		c := mustNew(t, p, testGear)
		for _, tt := range tests {
			t.Run(p.String()+"/"+tt.name, func(t *testing.T) {
				edited := tt.edit(slices.Clone(orig))
				shared := sharedBytes(c, orig, edited)
				if shared*10 < len(orig)*9 {
					t.Errorf("only %d of %d bytes (%.1f%%) in shared chunks", shared, len(orig), 100*float64(shared)/float64(len(orig)))
				}
			})
		}
	}
}

func TestNewRejectsBadParams(t *testing.T) {
	tests := []struct {
		p    Params
		want string
	}{
		{Params{Min: 0, Avg: 1024, Max: 4096}, "min 0 is not positive"},
		{Params{Min: -5, Avg: 1024, Max: 4096}, "min -5 is not positive"},
		{Params{Min: 16, Avg: 32, Max: 4096}, "avg 32 is outside [64, 1073741824]"},
		{Params{Min: 16, Avg: 2 << 30, Max: 4 << 30}, "avg 2147483648 is outside [64, 1073741824]"},
		{Params{Min: 256, Avg: 1000, Max: 4096}, "avg 1000 is not a power of two"},
		{Params{Min: 2048, Avg: 1024, Max: 4096}, "min 2048 is larger than avg 1024"},
		{Params{Min: 256, Avg: 1024, Max: 1023}, "avg 1024 is larger than max 1023"},
		{Params{}, "min 0 is not positive"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			c, err := New(tt.p, testGear)
			if c != nil || !errors.Is(err, ErrInvalidParams) || !strings.HasSuffix(err.Error(), ": "+tt.want) {
				t.Errorf("New(%+v) = %v, %v; want an ErrInvalidParams ending %q", tt.p, c, err, tt.want)
			}
		})
	}
}

func TestNewRejectsNilGear(t *testing.T) {
	if _, err := New(Default, nil); err == nil {
		t.Error("New with a nil gear table succeeded")
	}
}

func TestNewCopiesGear(t *testing.T) {
	g := *testGear
	c := mustNew(t, Params{Min: 64, Avg: 256, Max: 1024}, &g)
	data := randomBytes(t, 64<<10, 2)
	before := lengths(c, data)
	for i := range g {
		g[i] = 0
	}
	if after := lengths(c, data); !slices.Equal(before, after) {
		t.Error("changing the gear table after New changed the cuts")
	}
}

func TestCutDoesNotAllocate(t *testing.T) {
	c := mustNew(t, Default, testGear)
	data := randomBytes(t, 8<<20, 9)
	if n := testing.AllocsPerRun(10, func() { c.Cut(data) }); n != 0 {
		t.Errorf("Cut allocates %v times per call", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := mustNew(t, Params{Min: 2 << 10, Avg: 8 << 10, Max: 64 << 10}, testGear)
	data := randomBytes(t, 2<<20, 4)
	want := lengths(c, data)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got := lengths(c, data); !slices.Equal(got, want) {
				t.Error("concurrent Split gave different cuts")
			}
		})
	}
	wg.Wait()
}
