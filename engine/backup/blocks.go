package backup

import (
	"context"
	"sync"
	"sync/atomic"
)

// block holds file data while its chunks go through the pipeline. Every
// chunk in flight holds a reference, and so does the reader filling it; the
// last one to let go returns it to the pool.
type block struct {
	buf    []byte
	mapped bool // outside the Go heap (blockmem.go)
	refs   atomic.Int32
	pool   *blockPool
}

func (b *block) acquire() { b.refs.Add(1) }

func (b *block) release() {
	if b.refs.Add(-1) == 0 {
		b.pool.free <- b
	}
}

// blockPool is a fixed set of blocks: it bounds the memory a pass uses for
// file data, and makes readers wait when the workers fall behind.
type blockPool struct {
	free chan *block
	made atomic.Int32
	max  int32
	size int

	mu  sync.Mutex
	all []*block // every block made, for close
}

func newBlockPool(n, size int) *blockPool {
	return &blockPool{free: make(chan *block, n), max: int32(n), size: size}
}

// get returns a free block holding one reference.
func (bp *blockPool) get(ctx context.Context) (*block, error) {
	select {
	case b := <-bp.free:
		b.refs.Store(1)
		return b, nil
	default:
	}
	if bp.made.Add(1) <= bp.max {
		b := &block{pool: bp}
		b.buf, b.mapped = allocBlock(bp.size)
		b.refs.Store(1)
		bp.mu.Lock()
		bp.all = append(bp.all, b)
		bp.mu.Unlock()
		return b, nil
	}
	select {
	case b := <-bp.free:
		b.refs.Store(1)
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// close gives the pool's memory back. Only once every stage of the pass has
// returned: no chunk may still point into a block.
func (bp *blockPool) close() {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	for _, b := range bp.all {
		if b.mapped {
			freeBlock(b.buf)
		}
		b.buf = nil
	}
	bp.all = nil
}
