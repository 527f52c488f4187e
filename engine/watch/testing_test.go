package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// patience is how long a test waits for what it expects: generous, so that a
// busy two-core machine does not make the tests flake. Nothing waits for it
// when all is well.
const patience = 20 * time.Second

// fast are debounce options that keep the tests quick.
func fast(roots ...string) Options {
	return Options{Roots: roots, Quiet: 50 * time.Millisecond, MaxDelay: time.Second}
}

// tempDir is t.TempDir with symlinks resolved, so that event paths compare
// equal to the paths the test writes (macOS's /var is a symlink).
func tempDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// collector gathers every batch of a watcher.
type collector struct {
	w       *Watcher
	mu      sync.Mutex
	batches []Batch
	closed  chan struct{}
}

// startWatch starts a watcher over o, collecting its batches; it is closed
// when the test ends.
func startWatch(t testing.TB, o Options) *collector {
	t.Helper()
	w, err := Start(context.Background(), o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	c := &collector{w: w, closed: make(chan struct{})}
	go func() {
		defer close(c.closed)
		for b := range w.Batches() {
			c.mu.Lock()
			c.batches = append(c.batches, b)
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		<-c.closed
	})
	return c
}

// mark returns how many batches have arrived, to look only at later ones.
func (c *collector) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.batches)
}

// since returns the batches that arrived after mark.
func (c *collector) since(mark int) []Batch {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.batches[mark:])
}

// waitFor waits until ok holds for the batches since mark, or fails the
// test after patience.
func (c *collector) waitFor(t testing.TB, mark int, what string, ok func([]Batch) bool) []Batch {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		bs := c.since(mark)
		if ok(bs) {
			return bs
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, still waiting for %s; batches: %v", patience, what, bs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitNamed waits until every path has been named in a batch since mark.
func (c *collector) waitNamed(t testing.TB, mark int, paths ...string) []Batch {
	t.Helper()
	return c.waitFor(t, mark, strings.Join(paths, ", "), func(bs []Batch) bool {
		for _, p := range paths {
			if !named(bs, p) {
				return false
			}
		}
		return true
	})
}

// waitStatus waits until ok holds for the watcher's Status.
func (c *collector) waitStatus(t testing.TB, what string, ok func(Status) bool) Status {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		st := c.w.Status()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, still waiting for %s; status: %+v", patience, what, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// named reports whether a batch names p.
func named(bs []Batch, p string) bool {
	for _, b := range bs {
		if _, ok := slices.BinarySearch(b.Paths, p); ok {
			return true
		}
	}
	return false
}

// covered reports whether the batches tell the backup to look at p: they
// name p or a folder above it, or ask for a rescan.
func covered(bs []Batch, p string) bool {
	for q := p; ; q = filepath.Dir(q) {
		if named(bs, q) {
			return true
		}
		if q == filepath.Dir(q) {
			break
		}
	}
	return slices.ContainsFunc(bs, func(b Batch) bool { return b.Rescan })
}

// namedUnder returns the paths at or below dir named in the batches.
func namedUnder(bs []Batch, dir string) []string {
	var found []string
	for _, b := range bs {
		for _, p := range b.Paths {
			if within(p, dir) {
				found = append(found, p)
			}
		}
	}
	return found
}

// checkBatches fails the test when a batch's paths are not sorted and
// unique.
func checkBatches(t testing.TB, bs []Batch) {
	t.Helper()
	for i, b := range bs {
		if !slices.IsSorted(b.Paths) || len(slices.Compact(slices.Clone(b.Paths))) != len(b.Paths) {
			t.Errorf("batch %d: paths not sorted and unique: %v", i, b.Paths)
		}
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdirAll(t testing.TB, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
