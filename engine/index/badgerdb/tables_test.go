package badgerdb

import (
	"fmt"
	"testing"
)

// fill writes n keys in batches big enough that Badger flushes memtables
// and compacts tables while they are written.
func fill(t *testing.T, db *DB, n int) {
	t.Helper()
	for start := 0; start < n; start += 10000 {
		b := db.Batch()
		for i := start; i < min(start+10000, n); i++ {
			if err := b.Set(tableTestKey(i), tableTestValue(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
	}
}

func tableTestKey(i int) []byte { return []byte(fmt.Sprintf("s/home/ana/%08d", i)) }
func tableTestValue(i int) []byte {
	return []byte(fmt.Sprintf("a stat record of file %d, 64 bytes or so, like the index's", i))
}

// readsBack checks every n-th key by Get and all n keys by iteration.
func readsBack(t *testing.T, db *DB, n int) {
	t.Helper()
	for i := 0; i < n; i += 7 {
		got, err := db.Get(tableTestKey(i))
		if err != nil || string(got) != string(tableTestValue(i)) {
			t.Fatalf("key %d: %q, %v", i, got, err)
		}
	}
	it := db.Iterator([]byte("s/"), false)
	defer it.Close()
	count := 0
	for ; it.Valid(); it.Next() {
		v, err := it.Value()
		if err != nil || string(v) != string(tableTestValue(count)) {
			t.Fatalf("entry %d: %q, %v", count, v, err)
		}
		count++
	}
	if count != n {
		t.Fatalf("iterated %d keys, want %d", count, n)
	}
}

// Badger's tables are written with write and read with pread in Cairn's
// copy (third_party/badger/CAIRN.md): an index of many tables, flushed
// and compacted while it is written, reads back whole, before and after
// it is closed and opened again.
func TestAnIndexOfManyTablesReadsBack(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 150000
	fill(t, db, n)
	if tables := len(db.db.Tables()); tables < 10 {
		t.Fatalf("%d tables: too few for the test to mean anything", tables)
	}
	readsBack(t, db, n)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	readsBack(t, db, n)
}
