package webarchive

import (
	"bytes"
	"errors"
	"sort"
	"sync"
	"unsafe"

	"github.com/cairnbackup/cairn/engine/index"
)

// memKV is an index.KV that lives in memory only: nothing of an unlocked
// archive's index is ever written to the server's disk.
//
// It has two lives. While an archive is being read in (repo.Sync, one
// goroutine) it is a skip list, so the engine's many small batches and
// lookups cost O(log n) each whatever the number of segments. Then freeze
// packs it into one sorted byte arena: about 16 bytes per key beyond the
// keys and values themselves, and reads that take no lock. A frozen store
// refuses writes.
type memKV struct {
	mu     sync.RWMutex
	list   *skipList // while loading
	table  *frozen   // after freeze
	closed bool
}

var (
	_ index.KV = (*memKV)(nil)

	errReadOnly = errors.New("in-memory index: read-only")
	errKVClosed = errors.New("in-memory index: closed")
)

func newMemKV() *memKV { return &memKV{list: newSkipList()} }

// Get implements index.KV.
func (m *memKV) Get(key []byte) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var v []byte
	var ok bool
	switch {
	case m.closed:
		return nil, errKVClosed
	case m.table != nil:
		v, ok = m.table.get(key)
	default:
		v, ok = m.list.get(key)
	}
	if !ok {
		return nil, index.ErrKeyNotFound
	}
	return bytes.Clone(v), nil
}

// Iterator implements index.KV. A frozen store's iterators see a fixed
// snapshot; while loading, writes flushed during an iteration may or may
// not be seen (the engine does not flush while it iterates).
func (m *memKV) Iterator(prefix []byte, keysOnly bool) index.Iterator {
	m.mu.RLock()
	defer m.mu.RUnlock()
	prefix = bytes.Clone(prefix)
	switch {
	case m.closed:
		return &frozenIter{t: &frozen{}, prefix: prefix}
	case m.table != nil:
		it := &frozenIter{t: m.table, prefix: prefix}
		it.Seek(prefix)
		return it
	default:
		it := &listIter{m: m, prefix: prefix}
		it.Seek(prefix)
		return it
	}
}

// Batch implements index.KV.
func (m *memKV) Batch() index.Batch { return &memBatch{m: m} }

// Sizes implements index.KV: nothing is on disk.
func (m *memKV) Sizes() (int64, int64) { return 0, 0 }

// Close implements index.KV: the contents are dropped.
func (m *memKV) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed, m.list, m.table = true, nil, nil
	return nil
}

// freeze packs the skip list into a read-only table.
func (m *memKV) freeze() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.table != nil {
		return
	}
	t := &frozen{arena: make([]byte, 0, m.list.bytes), entries: make([]frozenEntry, 0, m.list.n)}
	for n := m.list.head.next[0]; n != nil; n = n.next[0] {
		t.entries = append(t.entries, frozenEntry{off: len(t.arena), klen: uint32(len(n.key)), vlen: uint32(len(n.val))})
		t.arena = append(append(t.arena, n.key...), n.val...)
	}
	m.table, m.list = t, nil
}

// size is the bytes the frozen table holds (0 before freeze): the arena
// and the entries, as allocated.
func (m *memKV) size() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.table == nil {
		return 0
	}
	return int64(cap(m.table.arena)) + int64(cap(m.table.entries))*int64(unsafe.Sizeof(frozenEntry{}))
}

// memBatch collects writes until Flush.
type memBatch struct {
	m   *memKV
	ops []batchOp
}

type batchOp struct {
	key, val []byte
	del      bool
}

func (b *memBatch) Set(k, v []byte) error {
	b.ops = append(b.ops, batchOp{key: bytes.Clone(k), val: bytes.Clone(v)})
	return nil
}

func (b *memBatch) Delete(k []byte) error {
	b.ops = append(b.ops, batchOp{key: bytes.Clone(k), del: true})
	return nil
}

func (b *memBatch) Flush() error {
	ops := b.ops
	b.ops = nil
	m := b.m
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.closed:
		return errKVClosed
	case m.table != nil:
		return errReadOnly
	}
	for _, op := range ops {
		if op.del {
			m.list.remove(op.key)
		} else {
			m.list.set(op.key, op.val)
		}
	}
	return nil
}

func (b *memBatch) Cancel() { b.ops = nil }

// frozen is a sorted, read-only table: keys and values back to back in one
// arena.
type frozen struct {
	arena   []byte
	entries []frozenEntry
}

type frozenEntry struct {
	off        int
	klen, vlen uint32
}

func (t *frozen) key(i int) []byte {
	e := t.entries[i]
	return t.arena[e.off : e.off+int(e.klen) : e.off+int(e.klen)]
}

func (t *frozen) val(i int) []byte {
	e := t.entries[i]
	s := e.off + int(e.klen)
	return t.arena[s : s+int(e.vlen) : s+int(e.vlen)]
}

// search returns the position of the first key >= k.
func (t *frozen) search(k []byte) int {
	return sort.Search(len(t.entries), func(i int) bool { return bytes.Compare(t.key(i), k) >= 0 })
}

func (t *frozen) get(k []byte) ([]byte, bool) {
	i := t.search(k)
	if i < len(t.entries) && bytes.Equal(t.key(i), k) {
		return t.val(i), true
	}
	return nil, false
}

type frozenIter struct {
	t      *frozen
	prefix []byte
	pos    int
}

func (it *frozenIter) Seek(k []byte) { it.pos = it.t.search(k) }
func (it *frozenIter) Valid() bool {
	return it.pos < len(it.t.entries) && bytes.HasPrefix(it.t.key(it.pos), it.prefix)
}
func (it *frozenIter) Key() []byte            { return it.t.key(it.pos) }
func (it *frozenIter) Value() ([]byte, error) { return it.t.val(it.pos), nil }
func (it *frozenIter) Next()                  { it.pos++ }
func (it *frozenIter) Close()                 {}

// listIter walks the skip list while loading; each step takes the read lock.
type listIter struct {
	m      *memKV
	prefix []byte
	cur    *skipNode
}

func (it *listIter) Seek(k []byte) {
	it.m.mu.RLock()
	defer it.m.mu.RUnlock()
	if it.m.list == nil {
		it.cur = nil
		return
	}
	it.cur = it.m.list.findGE(k, nil)
}

func (it *listIter) Valid() bool { return it.cur != nil && bytes.HasPrefix(it.cur.key, it.prefix) }
func (it *listIter) Key() []byte { return it.cur.key }
func (it *listIter) Value() ([]byte, error) {
	it.m.mu.RLock()
	defer it.m.mu.RUnlock()
	return it.cur.val, nil
}

func (it *listIter) Next() {
	it.m.mu.RLock()
	defer it.m.mu.RUnlock()
	it.cur = it.cur.next[0]
}

func (it *listIter) Close() {}
