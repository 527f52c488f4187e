package webarchive

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestOpenCost measures opening archives of 10,000 and 100,000 versions
// made by the real client through the real server: time, the memory the
// open archive keeps, and the peak while reading it in. It takes a few
// minutes, so it runs only with CAIRN_WEBARCHIVE_COST=1.
//
//	CAIRN_WEBARCHIVE_COST=1 go test -run OpenCost -v ./engine/server/webarchive
func TestOpenCost(t *testing.T) {
	if os.Getenv("CAIRN_WEBARCHIVE_COST") == "" {
		t.Skip("set CAIRN_WEBARCHIVE_COST=1 to measure")
	}
	for _, files := range []int{2_000, 20_000} {
		t.Run(fmt.Sprint(files*5), func(t *testing.T) { measureOpen(t, files, 5) })
	}
}

// measureOpen backs up files small files in nested folders rounds times,
// each time all changed, then opens the archive.
func measureOpen(t *testing.T, files, rounds int) {
	w := newWorld(t, t0)
	start := time.Now()
	for r := 0; r < rounds; r++ {
		tree := map[string]string{}
		for i := 0; i < files; i++ {
			tree[fmt.Sprintf("d%02d/s%02d/file-%05d.txt", i%20, i/20%10, i)] = fmt.Sprintf("file %d, round %d", i, r)
		}
		w.write(tree, t0.Add(time.Duration(r)*time.Hour))
		w.backup()
		w.clock.advance(24 * time.Hour)
	}
	made := time.Since(start)
	w.d.Close()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // sample the heap while the archive is read in
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	openStart := time.Now()
	a, err := Open(ctx, w.source(), []byte(archivePassword))
	took := time.Since(openStart)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	runtime.GC()
	runtime.ReadMemStats(&after)

	versions := 0
	vs, _ := a.Versions(filepath.Join(w.src, "d00", "s00", "file-00000.txt"))
	versions = len(vs)
	s := time.Now()
	roots, _ := a.Roots(time.Time{})
	rootsTook := time.Since(s)
	s = time.Now()
	es, _ := a.List(filepath.Join(w.src, "d00", "s00"), time.Time{}, false)
	listTook := time.Since(s)
	s = time.Now()
	found, _ := a.Search("/", "file-0199", time.Time{}, false, 0)
	searchTook := time.Since(s)
	s = time.Now()
	if err := a.WriteZip(ctx, io.Discard, w.src, t0.Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	zipTook := time.Since(s)
	t.Logf("%d files x %d versions: made in %v; Open %v (of which Argon2id is the test's cheap KDF), heap kept %.1f MiB, peak %.1f MiB above the start",
		files, versions, made.Round(time.Millisecond), took.Round(time.Millisecond),
		float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), float64(peak.Load()-before.HeapAlloc)/(1<<20))
	t.Logf("roots %v (%d) in %v; list of %d in %v; search over all: %d in %v; zip of %d files in %v",
		roots[0].Path, len(roots), rootsTook.Round(time.Microsecond), len(es), listTook.Round(time.Microsecond),
		len(found), searchTook.Round(time.Microsecond), files, zipTook.Round(time.Millisecond))
}
