// Package badgerdb implements index.KV with Badger v4. It is the only package
// of Cairn that imports Badger.
package badgerdb

import (
	"errors"
	"fmt"
	"strings"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// DB is a Badger database.
type DB struct{ db *badger.DB }

var _ index.KV = (*DB)(nil)

// Options returns Badger options tuned for a desktop: the index of a home
// folder is tens of MiB, and Cairn runs beside the person's own programs, so
// memory matters more than write throughput.
func Options(dir string) badger.Options {
	o := badger.DefaultOptions(dir)
	o.MemTableSize = 4 << 20 // default 64 MiB; an incremental backup writes far less
	o.NumMemtables = 2       // default 5
	o.NumLevelZeroTables = 4 // fewer L0 tables before compaction starts
	o.NumLevelZeroTablesStall = 8
	o.BaseTableSize = 2 << 20
	o.BaseLevelSize = 8 << 20
	o.Compression = options.None // values are mostly random IDs; compression would also need a block cache
	o.BlockCacheSize = 0         // with no compression blocks are read from the mmapped tables
	o.IndexCacheSize = 0         // table indexes and bloom filters stay in memory: small for an index this size
	o.ValueLogFileSize = 64 << 20
	o.ValueThreshold = 16 << 10 // a version's chunk list stays in the tree unless the file is ~500 MB+
	o.NumCompactors = 2
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
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("the index in %s is used by another Cairn process: %w", dir, engine.ErrLocked)
		}
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return &DB{db: db}, nil
}

// Close implements index.KV.
func (d *DB) Close() error { return d.db.Close() }

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
