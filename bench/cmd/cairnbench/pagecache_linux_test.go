package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cachedPages counts the pages of path that are in the page cache.
func cachedPages(t *testing.T, path string) (cached, total int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	page := os.Getpagesize()
	vec := make([]byte, (len(m)+page-1)/page)
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)),
		uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	for _, v := range vec {
		if v&1 != 0 {
			cached++
		}
	}
	return cached, len(vec)
}

// TestWarmCorpusBringsDroppedFilesBack drops a corpus file from the page cache, as borg does with what it reads,
// and checks that warmCorpus brings it back before the next tool is timed.
func TestWarmCorpusBringsDroppedFilesBack(t *testing.T) {
	corpus := t.TempDir()
	path := filepath.Join(corpus, "folder", "file")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil { // only clean pages can be dropped
		t.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if cached, total := cachedPages(t, path); cached > total/2 {
		t.Skipf("this file system keeps dropped pages (%d of %d cached): nothing to test here", cached, total)
	}
	b := &bench{corpus: corpus}
	if err := b.warmCorpus(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cached, total := cachedPages(t, path); cached != total {
		t.Errorf("after warmCorpus %d of %d pages are cached, want all", cached, total)
	}
}
