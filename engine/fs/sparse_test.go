package fs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// NextData and NextHole find a sparse file's data, and say where only a hole
// is left; elsewhere they describe the whole file as data.
func TestNextDataAndNextHole(t *testing.T) {
	const mib = 1 << 20
	f, err := os.Create(filepath.Join(t.TempDir(), "sparse"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, mib), 8*mib); err != nil {
		t.Fatal(err)
	}
	for i := range 256 { // data, not zeros: some file systems drop written zeros
		if _, err := f.WriteAt([]byte{byte(i) | 1}, 8*mib+int64(i)*4096); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(32 * mib); err != nil {
		t.Fatal(err)
	}
	d, err := NextData(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NextHole(f, d)
	if err != nil {
		t.Fatal(err)
	}
	if !SparseSupported {
		if d != 0 || h != 32*mib {
			t.Fatalf("data at [%d, %d), want the whole file", d, h)
		}
		return
	}
	if d == 0 && h == 32*mib {
		t.Skip("this file system keeps no holes")
	}
	if d > 8*mib || h < 9*mib {
		t.Fatalf("data at [%d, %d), want it to cover [8 MiB, 9 MiB)", d, h)
	}
	if _, err := NextData(f, h); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last data: %v, want io.EOF", err)
	}
}
