package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/internal/testtree"
)

var ctx = context.Background()

type fixture struct {
	t   *testing.T
	r   *repo.Repo
	src string
}

func newFixture(t *testing.T, nodes map[string]testtree.Node) *fixture {
	t.Helper()
	f := &fixture{t: t, r: repo.TestRepo(t, 0), src: filepath.Join(t.TempDir(), "ana")}
	testtree.Write(t, f.src, nodes)
	return f
}

func (f *fixture) run(o Options) Result {
	f.t.Helper()
	o.Roots = []string{f.src}
	res, err := Run(ctx, f.r, o)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) history(rel string) []engine.Version {
	f.t.Helper()
	vs, err := f.r.Index().History(f.r.Dest(), filepath.Join(f.src, rel))
	if err != nil {
		f.t.Fatal(err)
	}
	return vs
}

func TestFileChangedWhileReadIsReadAgain(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"log.txt": {Data: "first state"}})
	p := filepath.Join(f.src, "log.txt")
	res := f.run(Options{afterRead: func(path string, attempt int) {
		if path == p && attempt == 1 {
			os.WriteFile(p, []byte("second state, longer"), 0o644)
		}
	}})
	if len(res.Warnings) != 0 {
		t.Fatalf("warnings: %v", res.Warnings)
	}
	vs := f.history("log.txt")
	if len(vs) != 1 || vs[0].Size != int64(len("second state, longer")) || vs[0].Warning != "" {
		t.Fatalf("recorded %+v", vs)
	}
}

func TestFileThatKeepsChangingIsRecordedWithAWarning(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"busy.db": {Data: "0"}, "calm.txt": {Data: "calm"}})
	p := filepath.Join(f.src, "busy.db")
	attempts := 0
	var warned []engine.FileError
	var mu sync.Mutex
	res := f.run(Options{
		afterRead: func(path string, attempt int) {
			if path == p {
				attempts = attempt
				os.WriteFile(p, []byte(strings.Repeat("x", attempt+1)), 0o644)
			}
		},
		FileError: func(fe engine.FileError) { mu.Lock(); warned = append(warned, fe); mu.Unlock() },
	})
	if attempts != 3 {
		t.Fatalf("read %d times, want 3", attempts)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Path != p || len(warned) != 1 || len(res.Errors) != 0 {
		t.Fatalf("warnings %v, errors %v", res.Warnings, res.Errors)
	}
	vs := f.history("busy.db")
	if len(vs) != 1 || !strings.Contains(vs[0].Warning, "changed while it was being read") {
		t.Fatalf("version %+v", vs)
	}
	if vs := f.history("calm.txt"); len(vs) != 1 || vs[0].Warning != "" {
		t.Fatalf("calm file: %+v", vs)
	}
}

func TestClockSetBackStillOrdersVersions(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"a.txt": {Data: "v1"}})
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	f.run(Options{Now: func() time.Time { return now }})
	os.WriteFile(filepath.Join(f.src, "a.txt"), []byte("v2 is newer"), 0o644)
	f.run(Options{Now: func() time.Time { return now.Add(-48 * time.Hour) }}) // clock went back two days
	vs := f.history("a.txt")
	if len(vs) != 2 || vs[1].Recorded <= vs[0].Recorded || vs[1].Size != 11 {
		t.Fatalf("versions %+v", vs)
	}
	e, ok, _ := f.r.Index().At(f.r.Dest(), filepath.Join(f.src, "a.txt"), index.View{At: index.Latest})
	if !ok || e.Version.Size != 11 {
		t.Fatal("the newest content is not the current version")
	}
}

func TestMissingRootMarksNothingDeleted(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"a.txt": {Data: "a"}, "sub/b.txt": {Data: "b"}})
	f.run(Options{})
	moved := f.src + "-unplugged"
	os.Rename(f.src, moved)
	defer os.Rename(moved, f.src)
	res, err := Run(ctx, f.r, Options{Roots: []string{f.src}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 0 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Err.Error(), "not there") {
		t.Fatalf("deleted %d, errors %v", res.Deleted, res.Errors)
	}
}

func TestTypeChangesAndVanishedFolders(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"x/inner.txt": {Data: "i"}, "y": {Data: "file"}, "z/deep/er.txt": {Data: "d"}})
	f.run(Options{})
	os.RemoveAll(filepath.Join(f.src, "x"))
	os.WriteFile(filepath.Join(f.src, "x"), []byte("now a file"), 0o644)
	os.Remove(filepath.Join(f.src, "y"))
	os.Mkdir(filepath.Join(f.src, "y"), 0o755)
	os.RemoveAll(filepath.Join(f.src, "z"))
	res := f.run(Options{})
	// x/inner.txt, z, z/deep, z/deep/er.txt are gone.
	if res.Deleted != 4 {
		t.Fatalf("deleted %d", res.Deleted)
	}
	var now []string
	f.r.Index().Tree(f.r.Dest(), f.src, index.View{At: index.Latest}, func(e index.Entry) error {
		now = append(now, strings.TrimPrefix(e.Version.Path, f.src)+":"+e.Version.Type.String())
		return nil
	})
	if got := strings.Join(now, " "); got != ":dir /x:file /y:dir" {
		t.Fatalf("as of now: %s", got)
	}
}

func TestProgressIsReported(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"a": {Random: 3 << 20}, "b": {Data: "b"}})
	var last Progress
	calls := 0
	f.run(Options{Progress: func(p Progress) { last = p; calls++ }})
	if calls == 0 || last.Scanning || last.FilesRead != 2 || last.BytesRead != 3<<20+1 || last.BytesToRead != last.BytesRead {
		t.Fatalf("last progress %+v after %d calls", last, calls)
	}
}

// TestAdoptedArchiveKeepsTheOldComputersFiles: after a new computer takes
// over an archive, what the old one backed up and was not brought over is
// not recorded deleted; what the new computer backs up and deletes is.
func TestAdoptedArchiveKeepsTheOldComputersFiles(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"kept.txt": {Data: "k"}, "old/a.txt": {Data: "a"}, "old/sub/b.txt": {Data: "b"},
		"vanishing.txt": {Data: "v"}})
	f.run(Options{})
	adopted := time.Now().UnixNano()
	// The new disk has kept.txt (brought over) and a new file, not old/ nor vanishing.txt.
	os.RemoveAll(filepath.Join(f.src, "old"))
	os.Remove(filepath.Join(f.src, "vanishing.txt"))
	os.WriteFile(filepath.Join(f.src, "new.txt"), []byte("n"), 0o644)
	if res := f.run(Options{Adopted: adopted}); res.Deleted != 0 || res.New != 1 {
		t.Fatalf("after adoption: deleted %d, new %d", res.Deleted, res.New)
	}
	for _, rel := range []string{"old/a.txt", "old/sub/b.txt", "vanishing.txt"} {
		if h := f.history(rel); len(h) != 1 || h[0].Deleted {
			t.Fatalf("%s: %+v", rel, h)
		}
	}
	// The new computer's own deletions count.
	os.Remove(filepath.Join(f.src, "new.txt"))
	if res := f.run(Options{Adopted: adopted}); res.Deleted != 1 {
		t.Fatalf("deleted %d, want new.txt", res.Deleted)
	}
	if h := f.history("new.txt"); len(h) != 2 || !h[1].Deleted {
		t.Fatalf("new.txt: %+v", h)
	}
}

// TestChangedPassTouchesOnlyWhatChanged: a pass over the paths a watcher
// reported records their new states and deletions, reads a new folder
// whole, and leaves known subfolders alone.
func TestChangedPassTouchesOnlyWhatChanged(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{
		"docs/a.txt":      {Data: "a1"},
		"docs/b.txt":      {Data: "b1"},
		"docs/old/c.txt":  {Data: "c1"},
		"other/d.txt":     {Data: "d1"},
		"gone/e.txt":      {Data: "e1"},
		"cache/x.tmp":     {Data: "x"},
		"docs/unseen.txt": {Data: "u1"},
	})
	f.run(Options{})
	at := func(rel string) string { return filepath.Join(f.src, rel) }
	write := func(rel, data string) {
		os.MkdirAll(filepath.Dir(at(rel)), 0o755)
		if err := os.WriteFile(at(rel), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("docs/a.txt", "a2, saved")
	write("docs/old/c.txt", "c2: changed but not reported") // a known subfolder of a reported folder
	write("new/deep/f.txt", "f1")                           // a new folder, reported as itself
	os.Remove(at("other/d.txt"))
	os.RemoveAll(at("gone"))
	write("docs/unseen.txt", "u2: changed but not reported")

	res, err := Run(ctx, f.r, Options{Changed: true, Roots: []string{
		at("docs/a.txt"), at("docs"), at("new"), at("other/d.txt"), at("gone"), at("never/was.txt"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	newest := func(rel string) engine.Version {
		vs := f.history(rel)
		if len(vs) == 0 {
			t.Fatalf("%s: no version", rel)
		}
		return vs[len(vs)-1]
	}
	if v := newest("docs/a.txt"); v.Size != int64(len("a2, saved")) {
		t.Errorf("a.txt: %+v", v)
	}
	if v := newest("new/deep/f.txt"); v.Size != 2 {
		t.Errorf("new folder not read whole: %+v", v)
	}
	for _, rel := range []string{"other/d.txt", "gone", "gone/e.txt"} {
		if v := newest(rel); !v.Deleted {
			t.Errorf("%s not recorded deleted: %+v", rel, v)
		}
	}
	if v := newest("docs/old/c.txt"); v.Size != 2 {
		t.Errorf("a known subfolder was entered: %+v", v)
	}
	// docs was reported as a folder: its direct entries are compared.
	if v := newest("docs/unseen.txt"); v.Size != int64(len("u2: changed but not reported")) {
		t.Errorf("a reported folder's entries were not compared: %+v", v)
	}
	// The next full scan catches what no watcher reported.
	f.run(Options{})
	if v := newest("docs/old/c.txt"); v.Size != int64(len("c2: changed but not reported")) {
		t.Errorf("full scan missed c.txt: %+v", v)
	}
}

// A folder new to the index is not looked up there (walkOpenDir); one that
// comes back after it was deleted must still hold only what is in it now,
// and changes in it must be seen by the pass after.
func TestAFolderThatComesBackHoldsOnlyItsNewEntries(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"a/old.txt": {Data: "o"}, "a/sub/deep.txt": {Data: "d"}, "a/same.txt": {Data: "s"}})
	f.run(Options{})
	os.RemoveAll(filepath.Join(f.src, "a"))
	if res := f.run(Options{}); res.Deleted != 5 {
		t.Fatalf("deleted %d, want a, a/old.txt, a/same.txt, a/sub, a/sub/deep.txt", res.Deleted)
	}
	testtree.Write(t, f.src, map[string]testtree.Node{"a/same.txt": {Data: "s"}, "a/new.txt": {Data: "n"}, "a/sub2/x.txt": {Data: "x"}})
	f.run(Options{})
	now := func() string {
		var got []string
		f.r.Index().Tree(f.r.Dest(), f.src, index.View{At: index.Latest}, func(e index.Entry) error {
			got = append(got, strings.TrimPrefix(e.Version.Path, f.src))
			return nil
		})
		return strings.Join(got, " ")
	}
	if got, want := now(), " /a /a/new.txt /a/same.txt /a/sub2 /a/sub2/x.txt"; got != want {
		t.Fatalf("as of now: %q, want %q", got, want)
	}
	os.Remove(filepath.Join(f.src, "a/new.txt"))
	os.RemoveAll(filepath.Join(f.src, "a/sub2"))
	if res := f.run(Options{}); res.Deleted != 3 {
		t.Fatalf("deleted %d, want a/new.txt, a/sub2, a/sub2/x.txt", res.Deleted)
	}
	if got, want := now(), " /a /a/same.txt"; got != want {
		t.Fatalf("as of now: %q, want %q", got, want)
	}
}
