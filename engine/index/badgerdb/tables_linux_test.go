package badgerdb

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// mappedTables lists the mappings of dir's table files in this process.
func mappedTables(t *testing.T, dir string) []string {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, line := range bytes.Split(maps, []byte("\n")) {
		fields := bytes.Fields(line)
		if len(fields) >= 6 && bytes.HasSuffix(fields[5], []byte(".sst")) &&
			filepath.Dir(string(fields[5])) == dir {
			found = append(found, string(line))
		}
	}
	return found
}

// Linux counts the pages of a mapped file a process touched in its
// resident size. Badger maps its tables; Cairn's copy reads them with
// pread instead, so a first backup of a million files, which writes and
// compacts hundreds of MiB of index, does not look that much bigger than
// one of a few thousand. While the index is written, compacted and read,
// no table file is mapped.
func TestNoTableIsMapped(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 100000
	fill(t, db, n)
	if m := mappedTables(t, dir); len(m) > 0 {
		t.Fatalf("after writing, %d table files are mapped, such as %s", len(m), m[0])
	}
	it := db.Iterator([]byte("s/"), false)
	defer it.Close()
	for i := 0; it.Valid() && i < n/2; it.Next() {
		i++
	}
	if _, err := db.Get(tableTestKey(n - 1)); err != nil {
		t.Fatal(err)
	}
	if m := mappedTables(t, dir); len(m) > 0 {
		t.Fatalf("while reading, %d table files are mapped, such as %s", len(m), m[0])
	}
}
