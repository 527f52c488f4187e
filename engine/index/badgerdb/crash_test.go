package badgerdb

import (
	"os"
	"path/filepath"
	"testing"
)

// A process killed between creating a memtable's file and giving it its
// size leaves an empty .mem file. The index must still open, with all it
// held (before, Badger refused: "while opening fid: 2 err: Create a new file").
func TestAnEmptyMemtableFileLeftByAKillDoesNotStopTheIndexOpening(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := db.Batch()
	if err := b.Set([]byte("s/home/ana/report.txt"), []byte("kept")); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The next memtable's file, as the kill left it.
	mems, _ := filepath.Glob(filepath.Join(dir, "*.mem"))
	next := filepath.Join(dir, "99999.mem")
	if err := os.WriteFile(next, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("open after the kill (memtables before: %v): %v", mems, err)
	}
	defer db.Close()
	got, err := db.Get([]byte("s/home/ana/report.txt"))
	if err != nil || string(got) != "kept" {
		t.Fatalf("after reopening: %q, %v", got, err)
	}
}
