package badgerdb

import (
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// trimEvery is how long after the index is used the pages of its tables are
// let go of (trimmer). Short enough that a first backup, which writes the
// whole index, never holds more than a fraction of it; long enough that the
// sweep (a read of /proc/self/maps and one madvise per table, well under a
// millisecond for a million-file index) costs nothing next to the work.
const trimEvery = 100 * time.Millisecond

// trimmer keeps the index's table files from counting in the process's
// memory. Badger maps every table file into memory and writes new tables
// through that mapping, so every page it writes or reads stays resident in
// the process: the resident size of a first backup grows with the index
// (about 300 bytes per file, 300 MiB at a million files) although these
// pages are only page cache, clean and shared. Where the system allows it
// (Linux: sweep in resident_linux.go), the trimmer tells the kernel that
// the process no longer needs them; the data stays in the page cache and
// comes back on the next read at the cost of a minor fault.
//
// It sleeps while the index is idle: use arms one sweep trimEvery later,
// and a sweep arms the next one while a write batch is open (its writer
// may be held back while Badger compacts) or the set of tables changes
// (compaction goes on after the last write).
type trimmer struct {
	db    *badger.DB
	dir   string // the index folder, as the kernel names it
	armed atomic.Bool
	open  atomic.Int32 // write batches and iterators begun and not yet ended

	sweeps atomic.Int64 // sweeps run: for tests

	mu     sync.Mutex // held by a sweep; Close waits for it
	closed bool
	last   uint64 // fingerprint of the tables at the last sweep
}

// newTrimmer returns nil where there is nothing to trim (trimSupported).
func newTrimmer(db *badger.DB, dir string) *trimmer {
	if !trimSupported {
		return nil
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return &trimmer{db: db, dir: dir}
}

// use notes that the index was read or written. Cheap: one atomic load
// when a sweep is already due.
func (t *trimmer) use() {
	if t == nil || t.armed.Load() || !t.armed.CompareAndSwap(false, true) {
		return
	}
	time.AfterFunc(trimEvery, t.run)
}

func (t *trimmer) run() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.armed.Store(false)
	if t.closed {
		return
	}
	fp := t.sweep()
	t.sweeps.Add(1)
	if fp != t.last || t.open.Load() > 0 {
		t.last = fp
		t.use() // still writing, or compacting: look again
	}
}

// begin and end bracket a write batch or an open iterator.
func (t *trimmer) begin() {
	if t != nil {
		t.open.Add(1)
		t.use()
	}
}

func (t *trimmer) end() {
	if t != nil {
		t.open.Add(-1)
	}
}

// close stops the trimmer; it returns once no sweep runs, so that the
// database can unmap its tables.
func (t *trimmer) close() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
}

// pinned returns the IDs of tables that stay mapped until release is
// called: those listed both before and after an iterator was opened (an
// iterator holds a reference to every table that existed when it was
// opened, and a table, once gone, never comes back). A table that is not
// pinned may be unmapped at any moment, and its addresses reused.
func (t *trimmer) pinned() (ids map[uint64]bool, fingerprint uint64, release func()) {
	before := t.db.Tables()
	txn := t.db.NewTransaction(false)
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	it := txn.NewIterator(o)
	after := t.db.Tables()
	listed := make(map[uint64]bool, len(before))
	for _, ti := range before {
		listed[ti.ID] = true
	}
	ids = make(map[uint64]bool, len(after))
	for _, ti := range after {
		fingerprint = fingerprint*31 + ti.ID
		if listed[ti.ID] {
			ids[ti.ID] = true
		}
	}
	return ids, fingerprint, func() { it.Close(); txn.Discard() }
}
