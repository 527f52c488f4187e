package backup

import (
	"context"
	"testing"
)

// A pass's blocks come from outside the Go heap where the OS allows, and a
// closed pool's regions serve the next pass instead of new mappings.
func TestBlocksAreReusedAcrossPasses(t *testing.T) {
	const size = 1 << 20
	bp := newBlockPool(2, size)
	b1, err := bp.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range b1.buf {
		b1.buf[i] = byte(i)
	}
	first := &b1.buf[0]
	mapped := b1.mapped
	b1.release()
	bp.close()
	if b1.buf != nil {
		t.Fatal("a closed pool's block still holds its memory")
	}

	bp2 := newBlockPool(2, size)
	defer bp2.close()
	b2, err := bp2.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(b2.buf) != size {
		t.Fatalf("block of %d bytes, want %d", len(b2.buf), size)
	}
	if mapped && &b2.buf[0] != first {
		t.Error("the next pass mapped a new region instead of reusing the freed one")
	}
	for i := range b2.buf { // writable all through
		b2.buf[i] = 1
	}
	b2.release()
}
