package repo

import (
	"fmt"
	"testing"

	"github.com/cairnbackup/cairn/engine"
)

// Commit reuses the buffer its last segment grew. A large checkpoint
// followed by small ones must write each segment with its own records only:
// rebuilt from the destination alone, the index holds every version once,
// each with its own size.
func TestCommitsOfDifferentSizesWriteTheirOwnSegments(t *testing.T) {
	r := TestRepo(t, 0)
	batch := func(prefix string, n int) []engine.Version {
		vs := make([]engine.Version, n)
		for i := range vs {
			vs[i] = engine.Version{Path: fmt.Sprintf("/%s/a somewhat long folder name/file %06d.txt", prefix, i),
				Recorded: int64(1000 + i), Type: engine.TypeRegular, Size: int64(len(prefix)*1000000 + i)}
		}
		return vs
	}
	sizes := []struct {
		prefix string
		n      int
	}{{"big", 5000}, {"small", 3}, {"middle", 700}, {"tiny", 1}}
	total := 0
	for _, s := range sizes {
		if err := r.Commit(ctx, nil, batch(s.prefix, s.n)); err != nil {
			t.Fatal(err)
		}
		total += s.n
	}
	rep, err := r.RebuildIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewSegments != len(sizes) || rep.NewVersions != total {
		t.Fatalf("rebuilt %d segments and %d versions, want %d and %d", rep.NewSegments, rep.NewVersions, len(sizes), total)
	}
	for _, s := range sizes {
		for _, i := range []int{0, s.n - 1} {
			v := batch(s.prefix, s.n)[i]
			st, ok, err := r.ix.Stat(r.dest, v.Path)
			if err != nil || !ok || st.Size != v.Size {
				t.Fatalf("%s: %+v, %v, %v; want size %d", v.Path, st, ok, err, v.Size)
			}
		}
	}
}
