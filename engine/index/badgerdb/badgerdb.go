// Package badgerdb implements index.KV with Badger v4. It is the only package
// of Cairn that imports Badger.
package badgerdb

import (
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// DB is a Badger database.
type DB struct {
	db *badger.DB
}

var _ index.KV = (*DB)(nil)

// Options returns Badger options tuned for a desktop: Cairn runs beside the
// person's own programs, so memory matters more than write throughput, and
// it must not grow with the number of files (issue 15; docs/PERFORMANCE.md,
// "Memory at scale"). The index holds about 300 bytes per file: tens of MiB
// for a home folder, a few hundred MiB for a million files.
//
// What Badger holds in memory, and what bounds it:
//   - memtables: (NumMemtables + 1) skiplist arenas of about 1.3 × MemTableSize;
//   - table builders: each starts with a buffer of 1.25 times its table's
//     size; all compactions together build at most 3 tables at once, and
//     Badger keeps up to 8 idle builder buffers for reuse (Cairn's copy of
//     Badger, third_party/badger/CAIRN.md);
//   - each open table's index (bloom filter and block offsets, about 10 KiB
//     for a 1 MiB table of 16 KiB blocks: about 10 bytes per file) and the
//     blocks being read. Table files are read with pread, not mapped
//     (CAIRN.md again), so the index's pages stay in the page cache, out of
//     the process; there is no block or index cache.
func Options(dir string) badger.Options {
	o := badger.DefaultOptions(dir)
	// 1 MiB (default 64): a memtable is flushed as one level-0 table, built
	// in a buffer of 2 × BaseTableSize; a memtable no bigger than a table
	// fits in it. A bigger memtable made that buffer grow (by doubling),
	// and Badger then kept the grown buffers in its pool (about 20 MiB at
	// 300,000 files). The cost: more, smaller flushes (about 12 % more bytes
	// written in a 300,000-file first backup than with 2 MiB).
	o.MemTableSize = 1 << 20
	o.NumMemtables = 2 // default 5; with the one being filled: 3 arenas, about 4 MiB
	// Every table 1 MiB at every level (defaults 2 MiB, doubling per level).
	// A builder's buffer is twice its table's size, so growing tables with
	// depth made memory grow with the index: 202–224 MiB peak at 300,000
	// files with 2 MiB doubling, 84 MiB of it builder buffers. The cost: more table
	// files (about 300 at a million files; each one a file handle and its index
	// in memory), a little more merging, and more garbage: Badger writes each
	// table's index through a 3 MiB scratch buffer whatever the table's
	// size, so 512 KiB tables were no leaner at the peak.
	o.BaseTableSize = 1 << 20
	// 16 KiB blocks (default 4): a table's index lists each block with its
	// first key (a path, for most of Cairn's keys), and every open table's
	// index stays in memory. At a million files the indexes of 4 KiB blocks
	// took about 10 MiB of the heap at the peak of a first backup, those of
	// 16 KiB blocks about 3.5. The cost: a lookup that passes the bloom
	// filter reads 16 KiB instead of 4 (one pread from the page cache).
	o.BlockSize = 16 << 10
	o.TableSizeMultiplier = 1
	o.BaseLevelSize = 8 << 20 // default 10 MiB; level 1 small, so level-0 compactions stay short
	// Level 0 holds up to 16 tables before they are merged down (default 5).
	// Every level-0 table spans the whole key range (chunk IDs are random),
	// so each level-0 compaction rewrites all of the base level: fewer,
	// larger ones write less. A first backup of 300,000 files: 12.2-12.7 s
	// against 14.2-14.8 s with 4 (two runs each, alternating), the same peak
	// memory, and the pass after it no slower (1.00-1.07 s against 1.34-1.40 s).
	// A lookup checks each level-0 table's bloom filter: 16 is still cheap.
	o.NumLevelZeroTables = 16
	o.NumLevelZeroTablesStall = 32
	o.NumCompactors = 2 // default 4; Badger refuses fewer than 2 (0 turns compaction off)
	// No compression: values are mostly random IDs, and compressed tables
	// would need a block cache (memory) or a decompression on every read.
	o.Compression = options.None
	o.BlockCacheSize = 0 // blocks are read from the table files (pread) when needed
	o.IndexCacheSize = 0 // each table's index is read once, when the table opens
	// Values above ValueThreshold go to the value log, a mapped file of up
	// to 2 × ValueLogFileSize; only pages written count, and with a 16 KiB
	// threshold only the chunk lists of files of ~500 MB and more go there.
	o.ValueLogFileSize = 64 << 20
	o.ValueThreshold = 16 << 10
	o.NumGoroutines = 2
	o.MetricsEnabled = false
	o.DetectConflicts = false // one writer: the process that owns the index
	o.Logger = quietLogger{}
	return o
}

// Open opens (creating if needed) the database in dir. A database another
// process holds gives an error wrapping engine.ErrLocked.
func Open(dir string) (*DB, error) {
	db, err := badger.Open(Options(dir))
	if err != nil {
		if lockHeld(err.Error(), probeLock(dir)) {
			return nil, fmt.Errorf("the index in %s is used by another Cairn process: %w", dir, engine.ErrLocked)
		}
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return &DB{db: db}, nil
}

// Close implements index.KV.
func (d *DB) Close() error {
	return d.db.Close()
}

// Sizes implements index.KV.
func (d *DB) Sizes() (int64, int64) { return d.db.Size() }

// Get implements index.KV.
func (d *DB) Get(key []byte) ([]byte, error) {
	var out []byte
	err := d.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, index.ErrKeyNotFound
	}
	return out, err
}

// Iterator implements index.KV.
func (d *DB) Iterator(prefix []byte, keysOnly bool) index.Iterator {
	if d.db.IsClosed() {
		// A reader that outlived the index (a screen still listing as the
		// app quits) finds nothing, rather than bringing the app down.
		return closedIterator{}
	}
	txn := d.db.NewTransaction(false)
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = !keysOnly
	o.PrefetchSize = 16
	o.Prefix = prefix
	it := txn.NewIterator(o)
	it.Seek(prefix)
	return &iterator{txn: txn, it: it, prefix: prefix}
}

// closedIterator is the iterator of a closed index: empty.
type closedIterator struct{}

func (closedIterator) Seek([]byte)            {}
func (closedIterator) Valid() bool            { return false }
func (closedIterator) Key() []byte            { return nil }
func (closedIterator) Value() ([]byte, error) { return nil, badger.ErrDBClosed }
func (closedIterator) Next()                  {}
func (closedIterator) Close()                 {}

type iterator struct {
	txn    *badger.Txn
	it     *badger.Iterator
	prefix []byte
	buf    []byte
	closed bool
}

func (i *iterator) Seek(key []byte) { i.it.Seek(key) }
func (i *iterator) Valid() bool     { return i.it.ValidForPrefix(i.prefix) }
func (i *iterator) Key() []byte     { return i.it.Item().Key() }
func (i *iterator) Next()           { i.it.Next() }
func (i *iterator) Value() ([]byte, error) {
	var err error
	i.buf, err = i.it.Item().ValueCopy(i.buf[:0])
	return i.buf, err
}
func (i *iterator) Close() {
	if i.closed {
		return
	}
	i.closed = true
	i.it.Close()
	i.txn.Discard()
}

// Batch implements index.KV. A batch can be used again after Flush or Cancel.
func (d *DB) Batch() index.Batch { return &batch{db: d.db} }

type batch struct {
	db *badger.DB
	wb *badger.WriteBatch
}

func (b *batch) get() *badger.WriteBatch {
	if b.wb == nil {
		b.wb = b.db.NewWriteBatch()
	}
	return b.wb
}

func (b *batch) Set(k, v []byte) error {
	return b.get().Set(append([]byte(nil), k...), append([]byte(nil), v...))
}

func (b *batch) Delete(k []byte) error { return b.get().Delete(append([]byte(nil), k...)) }

func (b *batch) Flush() error {
	if b.wb == nil {
		return nil
	}
	err := b.wb.Flush()
	b.wb = nil
	return err
}

func (b *batch) Cancel() {
	if b.wb != nil {
		b.wb.Cancel()
		b.wb = nil
	}
}

// quietLogger drops Badger's informational chatter; warnings and errors
// that matter surface as returned errors.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...interface{})   {}
func (quietLogger) Warningf(string, ...interface{}) {}
func (quietLogger) Infof(string, ...interface{})    {}
func (quietLogger) Debugf(string, ...interface{})   {}
