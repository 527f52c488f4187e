package restore

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
)

const mib = 1 << 20

// region is data written at an offset of a test file; the rest is a hole.
type region struct {
	off  int64
	data []byte
}

func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed)}).Read(b)
	return b
}

// writeSparse makes a file of size bytes holding only regions; the rest is
// never written, so it is a hole where the file system keeps holes.
func writeSparseFile(t *testing.T, p string, size int64, regions []region) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		if _, err := f.WriteAt(r.data, r.off); err != nil {
			t.Fatal(err)
		}
	}
}

func sha(t *testing.T, p string) [32]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

// backupAndRestore backs up the folder src into a new archive and restores it
// into a new folder; it returns the restored copy of src.
func backupAndRestore(t *testing.T, src string) string {
	t.Helper()
	r := repo.TestRepo(t, 0)
	if _, err := backup.Run(ctx, r, backup.Options{Roots: []string{src}}); err != nil {
		t.Fatal(err)
	}
	to := t.TempDir()
	res, err := Run(ctx, r, Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("restore errors: %v", res.Errors)
	}
	return filepath.Join(to, filepath.Base(src))
}

// A 200 MB sparse file (a VM disk, a database) comes back with its holes:
// same content, and only about its data's worth of disk blocks.
func TestSparseFileIsRestoredWithItsHoles(t *testing.T) {
	src := filepath.Join(t.TempDir(), "vm")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	const size = 200 * mib
	regions := []region{{0, randomBytes(1, mib)}, {100 * mib, randomBytes(2, mib)}, {size - mib, randomBytes(3, mib)}}
	disk := filepath.Join(src, "disk.img")
	writeSparseFile(t, disk, size, regions)
	if used := diskBytes(t, disk); used > 8*mib {
		t.Skipf("this file system keeps no holes (a 200 MB sparse file uses %d bytes)", used)
	}
	got := filepath.Join(backupAndRestore(t, src), "disk.img")
	if st, err := os.Stat(got); err != nil || st.Size() != size {
		t.Fatalf("restored size: %v, %v; want %d", st, err, size)
	}
	if sha(t, got) != sha(t, disk) {
		t.Fatal("the restored file's content differs from the original's")
	}
	// 3 MiB of data; a little more where data and zeros share a 64 KiB block.
	used := diskBytes(t, got)
	t.Logf("the restored 200 MB sparse file uses %d bytes of disk (the original: %d)", used, diskBytes(t, disk))
	if used > 4*mib {
		t.Fatalf("the restored sparse file uses %d bytes of disk, want at most %d (its data, 3 MiB, and little more); its data is at %s", used, 4*mib, dataRegions(t, got))
	}
}

// Zeros written as data (not holes), in the middle and at the end, still come
// back as zeros, and the file keeps its length when it ends with them.
func TestZerosInAnOrdinaryFileAreRestored(t *testing.T) {
	src := filepath.Join(t.TempDir(), "docs")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	var content []byte
	content = append(content, randomBytes(4, 300<<10+123)...)
	content = append(content, make([]byte, 3*mib+77)...)
	content = append(content, randomBytes(5, 100<<10)...)
	content = append(content, make([]byte, 2*mib+5)...)
	p := filepath.Join(src, "zeros.bin")
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(src, "all-zeros.bin")
	if err := os.WriteFile(empty, make([]byte, 5*mib), 0o644); err != nil {
		t.Fatal(err)
	}
	out := backupAndRestore(t, src)
	for _, name := range []string{"zeros.bin", "all-zeros.bin"} {
		orig, got := filepath.Join(src, name), filepath.Join(out, name)
		if sha(t, got) != sha(t, orig) {
			t.Errorf("%s: the restored content differs from the original's", name)
		}
	}
}

// dataRegions lists where a file has data, as the file system says, for messages.
func dataRegions(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	for off := int64(0); len(out) < 20; {
		d, err := fs.NextData(f, off)
		if err != nil {
			break
		}
		h, err := fs.NextHole(f, d)
		if err != nil || h <= d {
			break
		}
		out = append(out, fmt.Sprintf("[%d, %d)", d, h))
		off = h
	}
	return strings.Join(out, " ")
}
