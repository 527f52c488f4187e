package repo

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBGWriterWritesEverythingInOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int   // buffer size
		pieces []int // lengths of the Writes
	}{
		{"nothing", 16, nil},
		{"less than a buffer", 16, []int{5, 3}},
		{"exactly one buffer", 16, []int{16}},
		{"a write across buffers", 16, []int{7, 40, 1}},
		{"many small writes", 16, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"large writes", 4096, []int{100_000, 3, 70_000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b := newBGWriter(tc.size)
			b.Reset(f)
			var want []byte
			for i, n := range tc.pieces {
				p := make([]byte, n)
				for j := range p {
					p[j] = byte(i*31 + j)
				}
				got, err := b.Write(p)
				if err != nil || got != n {
					t.Fatalf("Write(%d bytes) = %d, %v", n, got, err)
				}
				want = append(want, p...)
			}
			if err := b.Flush(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("file holds %d bytes, want %d (or they differ)", len(got), len(want))
			}
		})
	}
}

// The point of bgWriter: a Write that fills a buffer returns while the
// underlying write of that buffer still waits.
func TestBGWriterDoesNotWaitForTheWriteOfAFullBuffer(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	const size = 1 << 20 // more than a pipe holds: writing it blocks until the other end reads
	b := newBGWriter(size)
	b.Reset(w)
	data := make([]byte, size+1000)
	for i := range data {
		data[i] = byte(rand.Uint32())
	}
	returned := make(chan struct{})
	go func() {
		b.Write(data)
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(time.Minute):
		t.Fatal("Write waited for the pipe to be read")
	}
	read := make(chan []byte)
	go func() {
		got, _ := io.ReadAll(r)
		read <- got
	}()
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := <-read; !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, want the %d written", len(got), len(data))
	}
}

func TestBGWriterKeepsTheFirstError(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // writes to a closed file fail: a real error from the OS
	b := newBGWriter(8)
	b.Reset(f)
	if _, err := b.Write(make([]byte, 8)); err != nil {
		t.Fatalf("the first Write only hands its buffer on, got %v", err)
	}
	_, err = b.Write(make([]byte, 8)) // waits for the failed write
	if !errors.Is(err, os.ErrClosed) {
		t.Fatalf("second Write: %v, want the closed file's error", err)
	}
	if err := b.Flush(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Flush: %v, want the closed file's error", err)
	}
	// Reset clears it: the writer is reused for the next pack.
	out := filepath.Join(dir, "next")
	g, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	b.Reset(g)
	if _, err := b.Write([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); string(got) != "ok" {
		t.Fatalf("after Reset the file holds %q", got)
	}
}
