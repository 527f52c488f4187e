package badgerdb

import (
	"fmt"
	"testing"
)

// TestTrimmedIndexReadsBack writes enough to make Badger flush and compact,
// trims while it does, and reads everything back: letting go of the
// mapped pages must never change what the index holds.
func TestTrimmedIndexReadsBack(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 40000
	value := func(i int) string { return fmt.Sprintf("value of key %d, padded to look like a stat record", i) }
	for start := 0; start < n; start += 5000 {
		b := db.Batch()
		for i := start; i < start+5000; i++ {
			if err := b.Set([]byte(fmt.Sprintf("s/home/ana/%08d", i)), []byte(value(i))); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		if db.trim != nil {
			db.trim.run()
		}
	}
	for i := 0; i < n; i += 7 {
		got, err := db.Get([]byte(fmt.Sprintf("s/home/ana/%08d", i)))
		if err != nil || string(got) != value(i) {
			t.Fatalf("key %d: %q, %v", i, got, err)
		}
	}
	it := db.Iterator([]byte("s/"), false)
	defer it.Close()
	count := 0
	for ; it.Valid(); it.Next() {
		count++
	}
	if count != n {
		t.Fatalf("iterated %d keys, want %d", count, n)
	}
}
