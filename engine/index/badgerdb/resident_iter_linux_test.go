package badgerdb

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// residentTables is how many KiB of dir's table files this process has
// resident, from /proc/self/smaps.
func residentTables(t *testing.T, dir string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kb, inTable := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			inTable = len(fields) >= 6 && strings.HasSuffix(fields[5], ".sst") && filepath.Dir(fields[5]) == dir
		case inTable && fields[0] == "Rss:":
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	return kb
}

// A long read of the index keeps the trimmer sweeping: an open iterator
// counts as work, as a write batch does. Before, the trimmer swept once
// after the iterator opened and then slept, and every page a pass's final
// read of the whole index touched stayed in the process's memory (50 MiB
// at a million files).
func TestAnOpenIteratorKeepsTheTablesTrimmed(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 200000
	for start := 0; start < n; start += 20000 {
		b := db.Batch()
		for i := start; i < start+20000; i++ {
			if err := b.Set([]byte(fmt.Sprintf("s/home/ana/%08d", i)), []byte(fmt.Sprintf("a stat record of file %d, 64 bytes or so, like the index's", i))); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// Compactions end, and the trimmer goes to sleep.
	waitFor(t, "the trimmer to sleep", func() bool {
		before := db.trim.sweeps.Load()
		time.Sleep(4 * trimEvery)
		return !db.trim.armed.Load() && db.trim.sweeps.Load() == before
	})
	it := db.Iterator([]byte("s/"), false)
	defer it.Close()
	// The sweep the iterator's opening arms.
	first := db.trim.sweeps.Load()
	waitFor(t, "a sweep after the iterator opened", func() bool { return db.trim.sweeps.Load() > first })
	count := 0
	for ; it.Valid(); it.Next() {
		if _, err := it.Value(); err != nil {
			t.Fatal(err)
		}
		count++
	}
	if count != n {
		t.Fatalf("iterated %d keys, want %d", count, n)
	}
	t.Logf("%d KiB of tables resident after the read", residentTables(t, dir))
	waitFor(t, "the iterated tables to be let go of while the iterator is open", func() bool {
		return residentTables(t, dir) < 1024
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
