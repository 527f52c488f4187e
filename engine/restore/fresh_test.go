package restore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
)

// freshArchive commits /src with a sub-folder and a few files.
func freshArchive(t *testing.T, r *repo.Repo) map[string]string {
	t.Helper()
	want := map[string]string{
		"src/a.txt":     "first file",
		"src/sub/b.txt": "second file, in a folder",
		"src/sub/c.txt": "third",
	}
	mtime := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano()
	versions := []engine.Version{
		{Path: "/src", Recorded: 10, Type: engine.TypeDir, Mode: 0o755, ModTime: mtime},
		{Path: "/src/sub", Recorded: 10, Type: engine.TypeDir, Mode: 0o755, ModTime: mtime},
	}
	for rel, data := range want {
		id := storeChunk(t, r, []byte(data))
		versions = append(versions, engine.Version{Path: "/" + rel, Recorded: 10, Type: engine.TypeRegular,
			Size: int64(len(data)), Mode: 0o644, ModTime: mtime, Chunks: []engine.ChunkID{id}})
	}
	if err := r.Commit(ctx, nil, versions); err != nil {
		t.Fatal(err)
	}
	return want
}

// strays lists what a restore must not leave behind: markers, temporary
// files, copies moved aside.
func strays(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), "cairn-restore") || strings.Contains(d.Name(), "before restore")) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func checkTree(t *testing.T, target string, want map[string]string) {
	t.Helper()
	for rel, data := range want {
		b, err := os.ReadFile(filepath.Join(target, rel))
		if err != nil || string(b) != data {
			t.Fatalf("%s: %q, %v; want %q", rel, b, err, data)
		}
		info, _ := os.Stat(filepath.Join(target, rel))
		if info.ModTime().Year() != 2024 {
			t.Fatalf("%s: modified %v, not the archive's time", rel, info.ModTime())
		}
	}
	if s := strays(t, target); len(s) > 0 {
		t.Fatalf("left behind: %v", s)
	}
}

// A restore into folders it makes itself writes files under their own
// names, and a run after a kill (simulated: the marker and a half-written
// file left in place) writes the half-written file again instead of moving
// it aside as a person's file.
func TestARestoreRunAgainRedoesWhatAKilledRunLeftHalfWritten(t *testing.T) {
	r := repo.TestRepo(t, 0)
	want := freshArchive(t, r)
	target := t.TempDir()
	opts := Options{Paths: []string{"/src"}, To: target, View: index.View{At: index.Latest}}
	if _, err := Run(ctx, r, opts); err != nil {
		t.Fatal(err)
	}
	checkTree(t, target, want)

	// What kill -9 in the middle leaves: the marker, a file cut short
	// with the time of its writing, and a file not created yet.
	sub := filepath.Join(target, "src", "sub")
	if err := os.WriteFile(filepath.Join(sub, unfinishedMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "b.txt"), []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(sub, "c.txt"))
	res, err := Run(ctx, r, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkTree(t, target, want)
	if res.Files != 2 || res.AlreadyThere != 1 || len(res.MovedAside) != 0 {
		t.Fatalf("second run: %d restored, %d already there, moved aside %v; want 2, 1, none",
			res.Files, res.AlreadyThere, res.MovedAside)
	}
}

// In a folder that was there before (no marker), a file in the way is the
// person's: it is moved aside, never overwritten or deleted.
func TestAFileInAFolderThatWasThereIsMovedAsideNotOverwritten(t *testing.T) {
	r := repo.TestRepo(t, 0)
	want := freshArchive(t, r)
	target := t.TempDir()
	sub := filepath.Join(target, "src", "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "b.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, r, Options{Paths: []string{"/src"}, To: target, View: index.View{At: index.Latest},
		Now: func() time.Time { return mustTime(t, "2026-11-25T14:02:00Z") }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.MovedAside) != 1 {
		t.Fatalf("moved aside: %v", res.MovedAside)
	}
	b, err := os.ReadFile(filepath.Join(sub, "b (before restore 2026-11-25 1402).txt"))
	if err != nil || string(b) != "mine" {
		t.Fatalf("the person's file: %q, %v", b, err)
	}
	os.Remove(filepath.Join(sub, "b (before restore 2026-11-25 1402).txt"))
	checkTree(t, target, want)
}

// An archive entry named like the marker is restored like any other file
// and survives the end of the restore.
func TestAFileNamedLikeTheMarkerIsRestored(t *testing.T) {
	r := repo.TestRepo(t, 0)
	want := freshArchive(t, r)
	id := storeChunk(t, r, []byte("not a marker"))
	v := engine.Version{Path: "/src/sub/" + unfinishedMarker, Recorded: 10, Type: engine.TypeRegular, Size: 12,
		Mode: 0o644, ModTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano(), Chunks: []engine.ChunkID{id}}
	if err := r.Commit(ctx, nil, []engine.Version{v}); err != nil {
		t.Fatal(err)
	}
	target := t.TempDir()
	res, err := Run(ctx, r, Options{Paths: []string{"/src"}, To: target, View: index.View{At: index.Latest}})
	if err != nil || len(res.Errors) > 0 || len(res.MovedAside) > 0 {
		t.Fatalf("%v %v %v", err, res.Errors, res.MovedAside)
	}
	b, err := os.ReadFile(filepath.Join(target, "src", "sub", unfinishedMarker))
	if err != nil || string(b) != "not a marker" {
		t.Fatalf("%q, %v", b, err)
	}
	os.Remove(filepath.Join(target, "src", "sub", unfinishedMarker))
	checkTree(t, target, want)
}

// A restore cancelled halfway removes the files it had not finished, and
// its markers: nothing half-written is left looking restored.
func TestACancelledRestoreLeavesNoHalfWrittenFiles(t *testing.T) {
	r := repo.TestRepo(t, 0)
	mtime := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano()
	versions := []engine.Version{{Path: "/src", Recorded: 10, Type: engine.TypeDir, Mode: 0o755, ModTime: mtime}}
	// Two chunks in two packs per file: a file is unfinished between them.
	half := make([]byte, 512<<10)
	for i := 0; i < 64; i++ {
		half[0], half[1] = byte(i), 1
		first := storeChunk(t, r, half)
		half[1] = 2
		second := storeChunk(t, r, half)
		versions = append(versions, engine.Version{Path: fmt.Sprintf("/src/f%02d", i), Recorded: 10,
			Type: engine.TypeRegular, Size: 2 * int64(len(half)), Mode: 0o644, ModTime: mtime,
			Chunks: []engine.ChunkID{first, second}})
	}
	if err := r.Commit(ctx, nil, versions); err != nil {
		t.Fatal(err)
	}
	target := t.TempDir()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // cancel as soon as the first file appears
		for cctx.Err() == nil {
			if entries, _ := os.ReadDir(filepath.Join(target, "src")); len(entries) > 1 {
				cancel()
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	res, err := Run(cctx, r, Options{Paths: []string{"/src"}, To: target, View: index.View{At: index.Latest}, Workers: 1})
	if err == nil {
		t.Skipf("the restore (%d files) finished before it could be cancelled", res.Files)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	if s := strays(t, target); len(s) > 0 {
		t.Fatalf("left behind: %v", s)
	}
	n := 0
	filepath.WalkDir(target, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
			if info, _ := d.Info(); info.ModTime().Year() != 2024 || info.Size() != 1<<20 {
				t.Errorf("%s is left unfinished (%d bytes, modified %v)", p, info.Size(), info.ModTime())
			}
		}
		return nil
	})
	t.Logf("%d of 64 files finished before the cancel", n)
}

// foldsCase finds the marker under its name in capitals where the folder
// ignores case (macOS and Windows by default), and not elsewhere. Linux's
// file systems here do not ignore case, so there the folder is also made to
// look like one that does, by holding both names.
func TestFoldsCaseFindsTheMarkerUnderItsNameInCapitals(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, unfinishedMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := os.Lstat(filepath.Join(dir, strings.ToUpper(unfinishedMarker)))
	ignoresCase := err == nil
	d, err := fs.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := foldsCase(d); got != ignoresCase {
		t.Fatalf("foldsCase %v in a folder that ignores case: %v", got, ignoresCase)
	}
	if ignoresCase {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, strings.ToUpper(unfinishedMarker)), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if !foldsCase(d) {
		t.Fatal("the marker in capitals was not found")
	}
}
