package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// maxBatches is how many batches a burst that took elapsed may end in: at
// most one per quiet/2 (see pending.nextFire), plus the one after it.
func maxBatches(elapsed, quiet time.Duration) int {
	return int(elapsed/(quiet/2)) + 3
}

func TestBurstOfWritesToManyFiles(t *testing.T) {
	root := tempDir(t)
	o := fast(root)
	o.Quiet = time.Second
	c := startWatch(t, o)
	const n = 10_000
	files := make([]string, n)
	mark, start := c.mark(), time.Now()
	for i := range files {
		files[i] = filepath.Join(root, fmt.Sprintf("f%05d.txt", i))
		writeFile(t, files[i], "x")
	}
	elapsed := time.Since(start)
	bs := c.waitFor(t, mark, "all files named", func(bs []Batch) bool {
		return !slices.ContainsFunc(files, func(p string) bool { return !named(bs, p) })
	})
	checkBatches(t, bs)
	if max := maxBatches(elapsed, o.Quiet); len(bs) > max {
		t.Errorf("%d files written in %v came in %d batches, want at most %d", n, elapsed, len(bs), max)
	}
	t.Logf("%d files written in %v came in %d batches", n, elapsed, len(bs))
}

func TestBurstOfWritesToOneFile(t *testing.T) {
	root := tempDir(t)
	o := fast(root)
	o.Quiet = 500 * time.Millisecond
	c := startWatch(t, o)
	path := filepath.Join(root, "busy.log")
	f, err := os.Create(path)
	must(t, err)
	defer f.Close()
	mark, start := c.mark(), time.Now()
	for range 10_000 {
		_, err := f.WriteString("line\n")
		must(t, err)
	}
	elapsed := time.Since(start)
	bs := c.waitNamed(t, mark, path)
	checkBatches(t, bs)
	if max := maxBatches(elapsed, o.Quiet); len(bs) > max {
		t.Errorf("10,000 writes in %v came in %d batches, want at most %d", elapsed, len(bs), max)
	}
}

// A file that never goes quiet is still handed on every MaxDelay: Quiet is
// far longer than the test, so only MaxDelay can hand it on.
func TestBusyFileIsHandedOnEveryMaxDelay(t *testing.T) {
	root := tempDir(t)
	o := Options{Roots: []string{root}, Quiet: time.Minute, MaxDelay: 500 * time.Millisecond}
	c := startWatch(t, o)
	f, err := os.Create(filepath.Join(root, "growing.log"))
	must(t, err)
	defer f.Close()
	mark, deadline := c.mark(), time.Now().Add(patience)
	for len(c.since(mark)) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after %v of writes, %d batches, want 3", patience, len(c.since(mark)))
		}
		_, err := f.WriteString("line\n")
		must(t, err)
		time.Sleep(100 * time.Millisecond)
	}
	for _, b := range c.since(mark) {
		if !slices.Equal(b.Paths, []string{f.Name()}) {
			t.Errorf("batch %v, want only %s", b.Paths, f.Name())
		}
	}
}

func TestMaxPendingSendsRescan(t *testing.T) {
	root := tempDir(t)
	o := fast(root)
	o.Quiet, o.MaxPending = time.Minute, 100
	c := startWatch(t, o)
	mark := c.mark()
	for i := range 150 {
		writeFile(t, filepath.Join(root, fmt.Sprintf("f%d", i)), "x")
	}
	bs := c.waitFor(t, mark, "a rescan", func(bs []Batch) bool { return len(bs) > 0 })
	if !bs[0].Rescan || len(bs[0].Paths) != 0 {
		t.Errorf("first batch %+v, want a rescan alone", bs[0])
	}
}

func TestLostEventsSendRescan(t *testing.T) {
	root := tempDir(t)
	c := startWatch(t, fast(root))
	mark := c.mark()
	c.w.fs.Errors <- fsnotify.ErrEventOverflow // as the inotify reader does on IN_Q_OVERFLOW
	c.waitFor(t, mark, "a rescan", func(bs []Batch) bool {
		return slices.ContainsFunc(bs, func(b Batch) bool { return b.Rescan })
	})
}

// With nothing pending, no timer is armed: the watcher's goroutine waits in
// select and costs nothing, however many folders are watched.
func TestIdleArmsNoTimer(t *testing.T) {
	root := tempDir(t)
	c := startWatch(t, fast(root))
	if n, armed := c.w.idle(); n != 0 || armed {
		t.Fatalf("at start: %d pending, timer armed %v; want none", n, armed)
	}
	mark := c.mark()
	p := filepath.Join(root, "a")
	writeFile(t, p, "x")
	c.waitNamed(t, mark, p)
	deadline := time.Now().Add(patience)
	for n, armed := c.w.idle(); n != 0 || armed; n, armed = c.w.idle() {
		if time.Now().After(deadline) {
			t.Fatalf("after the batch: %d pending, timer armed %v; want none", n, armed)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBatchesCloseWithContextAndClose(t *testing.T) {
	root := tempDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	w, err := Start(ctx, fast(root))
	must(t, err)
	cancel()
	waitClosed(t, w.Batches())
	must(t, w.Close())

	w, err = Start(context.Background(), fast(root))
	must(t, err)
	must(t, w.Close())
	waitClosed(t, w.Batches())
	must(t, w.Close())
}

func waitClosed(t *testing.T, ch <-chan Batch) {
	t.Helper()
	timeout := time.After(patience)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("Batches not closed")
		}
	}
}
