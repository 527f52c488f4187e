package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// treeSum hashes every file's path and content under root, in path order: what
// `find DIR -type f | sort | xargs sha256sum | sha256sum` compares.
func treeSum(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := sha256.Sum256(b)
		h.Write([]byte(rel + "\x00"))
		h.Write(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// The generators give the same bytes on every machine and every run. The
// sums were taken when the generator moved into the project, after checking
// that it wrote the very corpus the old one did (sha256 of every file of a
// full `mkcorpus gen` and of `mkcorpus modify`, the same for both; the small
// and medium sums below also come out of the old code): a change here
// changes the benchmark's corpus, and with it every figure's meaning.
func TestCorporaAreTheSameOnEveryRun(t *testing.T) {
	specs := func(n int, spec func(int) fileSpec) string {
		h := sha256.New()
		for i := range n {
			s := spec(i)
			sum := sha256.Sum256(render(s))
			h.Write([]byte(s.path + "\x00"))
			h.Write(sum[:])
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	dir := filepath.Join(t.TempDir(), "tree")
	if err := genScale(context.Background(), dir, 3000); err != nil {
		t.Fatal(err)
	}
	gen := treeSum(t, dir)
	if err := modifyScale(context.Background(), dir, 3000); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"small files of the standard corpus", specs(300, smallSpec), "e616396c64ea3f11dc1f03b37db72ed8177681bfc9cde0129c9c1528894f4ad2"},
		{"medium files of the standard corpus", specs(4, mediumSpec), "dddf51b742760c31fc50ea939504c1565ae37959aeee05bd272a44de250b7155"},
		{"bench-scale tree of 3,000 files", gen, "daafe23896259cd87ebf54dd67835a040c9bdafef0939eee8323b65d563b8276"},
		{"bench-scale tree after the change", treeSum(t, dir), "650bfe74a4f5ef72243d27d487e1c806db48b5330d4e858cc26b9aa530c96394"},
	} {
		if c.got != c.want {
			t.Errorf("%s: sum %s, want %s", c.name, c.got, c.want)
		}
	}
}
