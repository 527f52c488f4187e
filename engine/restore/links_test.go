package restore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
)

// Names of one file (a LinkID) recorded with the same content are
// restored as one file, on every system; a name recorded with other
// content (changed through another name, which Windows's listing may not
// show in time) keeps the content recorded for it, not linked.
func TestHardLinksRestoredByContent(t *testing.T) {
	r := repo.TestRepo(t, 0)
	old, cur := storeChunk(t, r, []byte("old")), storeChunk(t, r, []byte("new!"))
	file := func(p string, id engine.ChunkID, size int64, recorded int64) engine.Version {
		return engine.Version{Path: p, Recorded: recorded, Type: engine.TypeRegular, Size: size, Mode: 0o644,
			LinkID: 0x5EED, Chunks: []engine.ChunkID{id}}
	}
	if err := r.Commit(ctx, nil, []engine.Version{
		{Path: "/src", Recorded: 10, Type: engine.TypeDir, Mode: 0o755},
		file("/src/a", cur, 4, 20),
		file("/src/b", cur, 4, 20),
		file("/src/c", old, 3, 10), // recorded earlier, before a change made through a
	}); err != nil {
		t.Fatal(err)
	}
	to := t.TempDir()
	if _, err := Run(ctx, r, Options{Paths: []string{"/src"}, To: to, View: index.View{At: index.Latest}}); err != nil {
		t.Fatal(err)
	}
	stat := func(n string) (os.FileInfo, string) {
		t.Helper()
		p := filepath.Join(to, "src", n)
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return st, string(b)
	}
	a, da := stat("a")
	b, db := stat("b")
	c, dc := stat("c")
	if da != "new!" || db != "new!" || dc != "old" {
		t.Fatalf("contents %q %q %q, want new! new! old", da, db, dc)
	}
	if !os.SameFile(a, b) {
		t.Error("a and b, recorded alike, are not one file")
	}
	if os.SameFile(a, c) {
		t.Error("c, recorded with other content, was linked to a")
	}
}
