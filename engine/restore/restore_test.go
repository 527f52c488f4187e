package restore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/repo"
)

var ctx = context.Background()

// storeChunk stores data as one chunk and returns its ID.
func storeChunk(t *testing.T, r *repo.Repo, data []byte) engine.ChunkID {
	t.Helper()
	w := r.NewWorker()
	id := engine.ChunkID(w.IDs.Sum(data))
	sealed, err := pack.SealChunk(w.Data, nil, id, append([]byte{0}, data...))
	if err != nil {
		t.Fatal(err)
	}
	p := r.NewPacker(ctx)
	if err := p.Add(id, sealed, len(data)); err != nil {
		t.Fatal(err)
	}
	packs, err := p.Flush()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Commit(ctx, packs, nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// A hostile or buggy archive must not make a restore write outside its target.
func TestRestoreNeverWritesOutsideTheTarget(t *testing.T) {
	r := repo.TestRepo(t, 0)
	outside := t.TempDir()
	id := storeChunk(t, r, []byte("evil"))
	file := func(p string) engine.Version {
		return engine.Version{Path: p, Recorded: 10, Type: engine.TypeRegular, Size: 4, Mode: 0o644, Chunks: []engine.ChunkID{id}}
	}
	versions := []engine.Version{
		{Path: "/src", Recorded: 10, Type: engine.TypeDir, Mode: 0o755},
		file("/src/ok.txt"),
		{Path: "/src/link", Recorded: 10, Type: engine.TypeSymlink, LinkTarget: outside},
		file("/src/link/evil.txt"),
		{Path: "/src/up", Recorded: 10, Type: engine.TypeSymlink, LinkTarget: "../.."},
		file("/src/up/evil2.txt"),
		file("/src/../../evil3.txt"),
		file("/src/a/./../../evil4.txt"),
	}
	if err := r.Commit(ctx, nil, versions); err != nil {
		t.Fatal(err)
	}
	target := t.TempDir()
	var failed []string
	res, err := Run(ctx, r, Options{Paths: []string{"/src"}, To: target, View: index.View{At: index.Latest},
		FileError: func(fe engine.FileError) { failed = append(failed, fe.Path) }})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(target, "src", "ok.txt")); err != nil || string(b) != "evil" {
		t.Fatalf("the ordinary file was not restored: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("written outside the target: %v", entries)
	}
	for _, p := range []string{filepath.Dir(target), filepath.Dir(filepath.Dir(target))} {
		for _, n := range []string{"evil.txt", "evil2.txt", "evil3.txt", "evil4.txt"} {
			if _, err := os.Stat(filepath.Join(p, n)); err == nil {
				t.Fatalf("written outside the target: %s", filepath.Join(p, n))
			}
		}
	}
	if len(res.Errors) != 4 || len(failed) != 4 {
		t.Fatalf("errors: %v", res.Errors)
	}
}

func TestExistingSymlinkInTheWayIsNotFollowed(t *testing.T) {
	r := repo.TestRepo(t, 0)
	id := storeChunk(t, r, []byte("data"))
	if err := r.Commit(ctx, nil, []engine.Version{
		{Path: "/src", Recorded: 10, Type: engine.TypeDir, Mode: 0o755},
		{Path: "/src/sub", Recorded: 10, Type: engine.TypeDir, Mode: 0o755},
		{Path: "/src/sub/f.txt", Recorded: 10, Type: engine.TypeRegular, Size: 4, Mode: 0o644, Chunks: []engine.ChunkID{id}},
	}); err != nil {
		t.Fatal(err)
	}
	target, outside := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(target, "src"), 0o755)
	os.Symlink(outside, filepath.Join(target, "src", "sub")) // planted before the restore
	for _, c := range []Conflict{Skip, Overwrite, Rename} {
		if _, err := Run(ctx, r, Options{Paths: []string{"/src"}, To: target, View: index.View{At: index.Latest}, Conflict: c}); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(outside); len(entries) != 0 {
			t.Fatalf("conflict %d: written through the symlink: %v", c, entries)
		}
	}
	// Rename moved the link aside and restored the folder in its place.
	if b, err := os.ReadFile(filepath.Join(target, "src", "sub", "f.txt")); err != nil || string(b) != "data" {
		t.Fatalf("after rename: %v", err)
	}
	aside, _ := filepath.Glob(filepath.Join(target, "src", "sub (before restore *)"))
	if len(aside) != 1 {
		t.Fatalf("aside: %v", aside)
	}
}

func TestAsideNames(t *testing.T) {
	now := mustTime(t, "2026-11-25T14:02:00Z")
	cases := []struct {
		name string
		n    int
		want string
	}{
		{"report.txt", 1, "report (before restore 2026-11-25 1402).txt"},
		{"archive.tar.gz", 1, "archive.tar (before restore 2026-11-25 1402).gz"},
		{"Photos", 1, "Photos (before restore 2026-11-25 1402)"},
		{".bashrc", 1, ".bashrc (before restore 2026-11-25 1402)"},
		{"report.txt", 3, "report (before restore 2026-11-25 1402 3).txt"},
	}
	for _, c := range cases {
		if got := asideName(c.name, now, c.n); got != c.want {
			t.Errorf("%s %d: %q", c.name, c.n, got)
		}
	}
	if got := tempName(strings.Repeat("x", 250)); len(got) > 60 || !strings.HasPrefix(got, ".cairn-restore-") {
		t.Errorf("temp name for a long name: %q", got)
	}
	// The same on every run; apart, ignoring case, for names that differ only in case.
	if a, b := tempName("Makefile"), tempName("makefile"); a != tempName("Makefile") || strings.EqualFold(a, b) ||
		!strings.HasPrefix(a, ".Makefile.") || !strings.HasSuffix(a, ".cairn-restore") {
		t.Errorf("temp names %q and %q", a, b)
	}
}

// BenchmarkRestore measures restoring a tree of small and large files.
func BenchmarkRestore(b *testing.B) {
	r := repo.TestRepo(b, 0)
	var versions []engine.Version
	var total int64
	p := r.NewPacker(ctx)
	for i := 0; i < 200; i++ {
		data := []byte(strings.Repeat("restored text ", 1000+i))
		id := storeChunkB(b, r, p, data)
		versions = append(versions, engine.Version{Path: "/src/f" + string(rune('a'+i%26)) + strings.Repeat("x", i/26),
			Recorded: 1, Type: engine.TypeRegular, Size: int64(len(data)), Mode: 0o644, Chunks: []engine.ChunkID{id}})
		total += int64(len(data))
	}
	versions = append(versions, engine.Version{Path: "/src", Recorded: 1, Type: engine.TypeDir, Mode: 0o755})
	packs, err := p.Flush()
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Commit(ctx, packs, versions); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(ctx, r, Options{Paths: []string{"/src"}, To: b.TempDir(), View: index.View{At: index.Latest}}); err != nil {
			b.Fatal(err)
		}
	}
}

func storeChunkB(b *testing.B, r *repo.Repo, p *repo.Packer, data []byte) engine.ChunkID {
	w := r.NewWorker()
	id := engine.ChunkID(w.IDs.Sum(data))
	plain, algo := w.Compressor.Compress([]byte{0}, data)
	plain[0] = byte(algo)
	sealed, _ := pack.SealChunk(w.Data, nil, id, plain)
	if err := p.Add(id, sealed, len(data)); err != nil {
		b.Fatal(err)
	}
	return id
}

func TestRebase(t *testing.T) {
	cases := []struct{ from, to, in, want string }{
		{"/home/ana", "/home/anna", "/home/ana/Documents/x", "/home/anna/Documents/x"},
		{"/home/ana", "/home/anna", "/home/ana", "/home/anna"},
		{"/home/ana", "/home/anna", "/home/anatole/x", "/home/anatole/x"},
		{"/C:/Users/ana", "/Users/ana", "/C:/Users/ana/Pictures", "/Users/ana/Pictures"},
		{"", "", "/x", "/x"},
	}
	for _, c := range cases {
		if got := (Rebase{c.from, c.to}).apply(c.in); got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
	}
}
