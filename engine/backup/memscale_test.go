package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/repo"
)

// heapWatch samples the live Go heap (what the last collection kept) while
// a pass runs and remembers its peak. Live bytes, not RSS: they do not
// depend on the machine's load or on when the collector happens to run.
type heapWatch struct {
	stop, done chan struct{}
	peak       uint64
	profile    string // if set, a heap profile is written at each new peak
}

func watchHeap(profile string) *heapWatch {
	h := &heapWatch{stop: make(chan struct{}), done: make(chan struct{}), profile: profile}
	runtime.GC()
	go h.run()
	return h
}

func (h *heapWatch) run() {
	defer close(h.done)
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var profiled uint64
	for {
		select {
		case <-h.stop:
			return
		case <-tick.C:
		}
		metrics.Read(s)
		live := s[0].Value.Uint64()
		h.peak = max(h.peak, live)
		if h.profile != "" && live > profiled+profiled/20 {
			profiled = live
			if f, err := os.Create(h.profile); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}
}

// Peak stops the sampling and returns the highest live heap seen.
func (h *heapWatch) Peak() uint64 {
	close(h.stop)
	<-h.done
	return h.peak
}

// writeTinyFiles makes n files of a few bytes in folders of 500, as a mail
// folder or a source tree has them.
func writeTinyFiles(tb testing.TB, dir string, n int) {
	tb.Helper()
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("d%04d", i/500))
		if i%500 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				tb.Fatal(err)
			}
		}
		name := filepath.Join(sub, fmt.Sprintf("note-%07d.txt", i))
		if err := os.WriteFile(name, []byte("note "+strconv.Itoa(i)+"\n"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// peakHeapOfBackup backs up src into a new archive and returns the peak
// live heap of the pass.
func peakHeapOfBackup(tb testing.TB, src, profile string) (uint64, Result) {
	tb.Helper()
	r := repo.TestRepo(tb, 0)
	h := watchHeap(profile)
	res, err := Run(ctx, r, Options{Roots: []string{src}})
	peak := h.Peak()
	if err != nil {
		tb.Fatal(err)
	}
	return peak, res
}

// TestMemoryDoesNotGrowWithTheNumberOfFiles backs up 20,000 and then 60,000
// tiny files: the peak heap of the second may not be much more than the
// first's. Everything Cairn keeps per file (pending versions, the in-pass
// dedup set) and Badger's buffers must be bounded, not proportional.
func TestMemoryDoesNotGrowWithTheNumberOfFiles(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("writes and backs up 80,000 files")
	}
	small, large := 20000, 60000
	if n, _ := strconv.Atoi(os.Getenv("CAIRN_TEST_SCALE")); n > large {
		large = n // a bigger second tree, for work on memory
	}
	base := t.TempDir()
	writeTinyFiles(t, filepath.Join(base, "small"), small)
	writeTinyFiles(t, filepath.Join(base, "large"), large)
	p1, r1 := peakHeapOfBackup(t, filepath.Join(base, "small"), "")
	p2, r2 := peakHeapOfBackup(t, filepath.Join(base, "large"), os.Getenv("CAIRN_TEST_HEAPPROFILE"))
	if r1.New != int64(small) || r2.New != int64(large) {
		t.Fatalf("backed up %d and %d files, want %d and %d", r1.New, r2.New, small, large)
	}
	t.Logf("peak live heap: %d files %.1f MiB, %d files %.1f MiB", small, mib(p1), large, mib(p2))
	// The smaller pass may peak below the steady state: the block pool
	// fills as needed, and how many of Badger's table builders are in
	// flight depends on how deep its tree is and how fast the disk takes
	// the tables. floor is what a busy pass holds on the heap once
	// everything is in use: memtables (~5 MiB), a few builders (2 MiB
	// each), one checkpoint of pending versions and its segment (~8 MiB).
	// File data in flight lives outside the heap (blockmem.go).
	// Growth in proportion to the files would be 3× here; 1.6× leaves
	// room for a loaded machine, where more of Badger's builders are in
	// flight at the peak, without hiding that.
	const floor = 32 << 20
	if limit := 1.6 * float64(max(p1, floor)); float64(p2) > limit {
		t.Errorf("peak live heap grew from %.1f MiB (%d files) to %.1f MiB (%d files): more than %.1f MiB",
			mib(p1), small, mib(p2), large, limit/(1<<20))
	}
}

// TestMemoryOfABackupOf runs one pass over $CAIRN_TEST_SCALE_DIR (a tree
// made by bench/cmd/mkcorpus) and reports its peak heap; with
// $CAIRN_TEST_HEAPPROFILE it writes a heap profile at the peak.
func TestMemoryOfABackupOf(t *testing.T) {
	src := os.Getenv("CAIRN_TEST_SCALE_DIR")
	if src == "" {
		t.Skip("set CAIRN_TEST_SCALE_DIR to a tree to back up")
	}
	r := repo.TestRepo(t, 0)
	h := watchHeap(os.Getenv("CAIRN_TEST_HEAPPROFILE"))
	res, err := Run(ctx, r, Options{Roots: []string{src}})
	p := h.Peak()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first backup of %d files: peak live heap %.1f MiB", res.FilesSeen, mib(p))
	// Nothing changed: what reading the index costs, in allocations
	// (independent of the machine's load, unlike time).
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h = watchHeap("")
	res, err = Run(ctx, r, Options{Roots: []string{src}})
	p = h.Peak()
	runtime.ReadMemStats(&after)
	if err != nil || res.BytesRead != 0 {
		t.Fatalf("second pass: %v, read %d bytes", err, res.BytesRead)
	}
	t.Logf("nothing changed: peak live heap %.1f MiB; %d allocations (%.1f per file), %.1f MiB allocated",
		mib(p), after.Mallocs-before.Mallocs, float64(after.Mallocs-before.Mallocs)/float64(res.FilesSeen),
		mib(after.TotalAlloc-before.TotalAlloc))
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
