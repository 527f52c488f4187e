package backup

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
)

// The backup reads a sparse file's holes as zeros without reading them, and
// still gets exactly the file's bytes: data at the start, in the middle, and
// a hole up to the end.
func TestSparseFileReadsAsItsBytes(t *testing.T) {
	const mib = 1 << 20
	p := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data := make([]byte, mib+321)
	rand.NewChaCha8([32]byte{7}).Read(data)
	for _, off := range []int64{0, 20*mib + 4097} {
		if _, err := f.WriteAt(data, off); err != nil {
			t.Fatal(err)
		}
	}
	const size = 48 * mib
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := fileReader(f, size)
	if _, sparse := r.(*sparseReader); fs.SparseSupported && !sparse {
		if h, err := fs.NextHole(f, 0); err == nil && h >= size {
			t.Skip("this file system keeps no holes")
		}
		t.Fatalf("a sparse file is read through %T, not the reader that skips holes", r)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes that differ from the file's %d", len(got), len(want))
	}
}

// Small files and files without holes are read as they always were.
func TestFileWithoutHolesIsReadPlainly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "plain.bin")
	if err := os.WriteFile(p, bytes.Repeat([]byte("cairn "), 400_000), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := fileReader(f, 2_400_000)
	if r != io.Reader(f) {
		t.Fatalf("a file without holes is read through %T", r)
	}
	if got, err := io.ReadAll(r); err != nil || len(got) != 2_400_000 {
		t.Fatalf("read %d bytes, %v (the offset was not put back at the start?)", len(got), err)
	}
}

// All-zero chunks of a length already seen are not hashed again, and every
// chunk still gets the ID its bytes hash to.
func TestZeroChunksAreHashedOncePerLength(t *testing.T) {
	sums := 0
	sum := func(b []byte) engine.ChunkID {
		sums++
		var id engine.ChunkID
		id[0], id[1] = byte(len(b)), byte(len(b)>>8)
		for _, c := range b {
			id[2] ^= c
		}
		return id
	}
	z := zeroChunks{}
	zero, data := make([]byte, 1000), bytes.Repeat([]byte{0, 1}, 500)
	for range 5 {
		if z.id(zero, sum) != sum(zero) || z.id(data, sum) != sum(data) {
			t.Fatal("a chunk got another ID than its bytes hash to")
		}
	}
	// Each round: 1 for the data chunk, 2 for the comparisons; 1 more for the first zero chunk.
	if want := 5*3 + 1; sums != want {
		t.Fatalf("hashed %d times, want %d: zero chunks are hashed again", sums, want)
	}
}
