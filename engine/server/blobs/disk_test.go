package blobs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDisk(t *testing.T) {
	testStore(t, func(t *testing.T) storeUnderTest {
		d, err := OpenDisk(filepath.Join(t.TempDir(), "data"))
		if err != nil {
			t.Fatal(err)
		}
		return storeUnderTest{
			Store: d,
			writeRaw: func(t *testing.T, rel string, data []byte) {
				p := filepath.Join(d.Root(), filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			exists: func(t *testing.T, rel string) bool {
				_, err := os.Stat(filepath.Join(d.Root(), filepath.FromSlash(rel)))
				return err == nil
			},
			staged: func(t *testing.T) int {
				es, err := os.ReadDir(filepath.Join(d.Root(), "tmp"))
				if err != nil {
					t.Fatal(err)
				}
				return len(es)
			},
		}
	})
}

func TestDiskFullIsNamed(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer f.Close()
	err = fill(ctx, f, 3, strings.NewReader("abc"))
	if !errors.Is(err, ErrFull) {
		t.Fatalf("got %v", err)
	}
}
