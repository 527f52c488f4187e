package chunk

import (
	"slices"
	"testing"
)

// The gear derivation and the cut rule are part of the archive format: if
// these goldens change, old archives stop deduplicating against new backups.
// The gear values were checked against an independent implementation
// (Python's hmac and hashlib).

func TestNewGearGolden(t *testing.T) {
	tests := []struct {
		seed  string
		index int
		want  uint64
	}{
		{"", 0, 0xfdaa58accf21dd2f},
		{"", 1, 0x06da25f84911f57f},
		{"", 255, 0x9afdee8105b786a8},
		{"cairn", 0, 0xafacac0122d9dd60},
		{"cairn", 128, 0xba5c02ab52fa5a85},
	}
	for _, tt := range tests {
		if got := NewGear([]byte(tt.seed))[tt.index]; got != tt.want {
			t.Errorf("NewGear(%q)[%d] = %#016x, want %#016x", tt.seed, tt.index, got, tt.want)
		}
	}
}

func TestCutGolden(t *testing.T) {
	c := mustNew(t, Params{Min: 16 << 10, Avg: 64 << 10, Max: 256 << 10}, testGear)
	want := []int{73891, 85202, 66371, 85037, 104992, 68075, 66985, 75182, 71007, 67280, 111948, 77483, 95123}
	if got := lengths(c, randomBytes(t, 1<<20, 42)); !slices.Equal(got, want) {
		t.Errorf("chunk lengths = %v\nwant %v", got, want)
	}
}
