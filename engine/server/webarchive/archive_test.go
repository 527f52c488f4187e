package webarchive

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/internal/testtree"
)

var (
	t0  = time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC) // first backup, by the server's clock
	at1 = t0.Add(time.Hour)                           // after the first backup
	at2 = t0.Add(25 * time.Hour)                      // after the second
)

// history makes three backups a day apart: a report edited twice, a file
// deleted, one added, a photo and a file of several chunks that never
// change, and an empty folder. It returns the tree as of at1 and as of now.
func history(t *testing.T) (w *world, then, now map[string]string) {
	w = newWorld(t, t0)
	then = map[string]string{
		"docs/report.txt":     "report, first draft",
		"docs/notes/todo.txt": "buy milk",
		"photos/cat.jpg":      string(testtree.RandomBytes("cat", 300<<10)),
		"big.bin":             string(testtree.RandomBytes("big", 5<<20)),
		"gone.txt":            "soon gone",
	}
	w.write(then, t0.Add(-24*time.Hour))
	if err := os.Mkdir(filepath.Join(w.src, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.backup()

	w.clock.advance(24 * time.Hour)
	w.write(map[string]string{"docs/report.txt": "report, second draft, longer", "new.txt": "new"}, t0.Add(23*time.Hour))
	os.Remove(filepath.Join(w.src, "gone.txt"))
	w.backup()

	w.clock.advance(24 * time.Hour)
	w.write(map[string]string{"docs/report.txt": "report, final"}, t0.Add(47*time.Hour))
	w.backup()

	now = map[string]string{}
	for k, v := range then {
		now[k] = v
	}
	delete(now, "gone.txt")
	now["new.txt"] = "new"
	now["docs/report.txt"] = "report, final"
	return w, then, now
}

func names(es []Entry) string {
	var out []string
	for _, e := range es {
		n := e.Name
		if e.Dir {
			n += "/"
		}
		if e.Deleted {
			n += "(deleted)"
		}
		out = append(out, n)
	}
	return strings.Join(out, " ")
}

func TestBrowseAndDownloadFromTheServer(t *testing.T) {
	w, then, now := history(t)

	if _, err := Open(ctx, w.source(), []byte("not the password")); !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	for name, src := range map[string]*Archive{"listed": w.open(), "walked": mustOpen(t, w)} {
		t.Run(name, func(t *testing.T) { checkArchive(t, w, src, then, now) })
	}
}

func mustOpen(t *testing.T, w *world) *Archive {
	a, err := Open(ctx, DeviceSource(w.data.Blobs, w.devID), []byte(archivePassword))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func checkArchive(t *testing.T, w *world, a *Archive, then, now map[string]string) {
	roots, err := a.Roots(time.Time{})
	if err != nil || len(roots) != 1 || roots[0].Path != w.src || !roots[0].Dir {
		t.Fatalf("roots: %+v %v", roots, err)
	}
	if roots, err := a.Roots(at1); err != nil || len(roots) != 1 || roots[0].Path != w.src {
		t.Fatalf("roots then: %+v %v", roots, err)
	}
	// The folders above the root were not recorded but can be listed.
	if es, err := a.List(filepath.Dir(w.src), time.Time{}, false); err != nil || names(es) != "ana/" {
		t.Fatalf("above the root: %q %v", names(es), err)
	}

	for _, c := range []struct {
		at      time.Time
		deleted bool
		want    string
	}{
		{time.Time{}, false, "docs/ empty/ photos/ big.bin new.txt"},
		{time.Time{}, true, "docs/ empty/ photos/ big.bin gone.txt(deleted) new.txt"},
		{at1, false, "docs/ empty/ photos/ big.bin gone.txt"},
		{t0.Add(-time.Hour), false, ""},
	} {
		es, err := a.List(w.src, c.at, c.deleted)
		if err != nil || names(es) != c.want {
			t.Errorf("list as of %v (deleted %v): %q, want %q (%v)", c.at, c.deleted, names(es), c.want, err)
		}
	}
	es, _ := a.List(filepath.Join(w.src, "docs"), time.Time{}, false)
	if len(es) != 2 || es[1].Name != "report.txt" || es[1].Versions != 3 || es[1].Size != int64(len(now["docs/report.txt"])) ||
		!es[1].ModTime.Equal(t0.Add(47*time.Hour)) {
		t.Fatalf("docs: %+v", es)
	}

	report := filepath.Join(w.src, "docs", "report.txt")
	vs, err := a.Versions(report)
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions: %v %v", vs, err)
	}
	for i, want := range []time.Time{t0.Add(48 * time.Hour), t0.Add(24 * time.Hour), t0} {
		if d := vs[i].RecordedTime().Sub(want); d < 0 || d > time.Minute {
			t.Errorf("version %d recorded %v, want the server's %v", i, vs[i].RecordedTime(), want)
		}
	}
	gone := filepath.Join(w.src, "gone.txt")
	if vs, err := a.Versions(gone); err != nil || len(vs) != 2 || !vs[0].Deleted || vs[1].Deleted {
		t.Fatalf("versions of a deleted file: %+v %v", vs, err)
	}
	if _, err := a.Versions(filepath.Join(w.src, "never")); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("versions of nothing: %v", err)
	}
	if _, err := a.Stat(gone, time.Time{}); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("stat of a deleted file: %v", err)
	}
	if v, err := a.Stat(gone, at1); err != nil || v.Size != int64(len("soon gone")) {
		t.Fatalf("stat as of before the deletion: %+v %v", v, err)
	}
	if v, err := a.Stat(report, at2); err != nil || v.Size != int64(len("report, second draft, longer")) {
		t.Fatalf("stat as of the second backup: %+v %v", v, err)
	}

	found, err := a.Search(w.src, "REPORT", time.Time{}, false, 0)
	if err != nil || len(found) != 1 || found[0].Path != report {
		t.Fatalf("search: %+v %v", found, err)
	}
	if found, _ := a.Search("/", "gone", time.Time{}, false, 0); len(found) != 0 {
		t.Fatalf("search found a deleted file: %+v", found)
	}
	if found, _ := a.Search("/", "gone", time.Time{}, true, 0); len(found) != 1 || !found[0].Deleted {
		t.Fatalf("search with deleted: %+v", found)
	}
	if found, _ := a.Search(w.src, ".", time.Time{}, false, 2); len(found) != 2 {
		t.Fatalf("search capped at 2: %+v", found)
	}

	for i, want := range []string{"report, final", "report, second draft, longer", "report, first draft"} {
		var buf bytes.Buffer
		if err := a.WriteFile(ctx, &buf, report, vs[i].Recorded); err != nil || buf.String() != want {
			t.Fatalf("version %d: %q %v", i, buf.String(), err)
		}
	}
	var buf bytes.Buffer
	if err := a.WriteFile(ctx, &buf, filepath.Join(w.src, "big.bin"), 0); err != nil || buf.String() != now["big.bin"] {
		t.Fatalf("big file: %d bytes, %v", buf.Len(), err)
	}
	if err := a.WriteFile(ctx, io.Discard, gone, 0); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("the newest version of a deleted file: %v", err)
	}
	if err := a.WriteFile(ctx, io.Discard, report, vs[0].Recorded+1); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("a version never recorded: %v", err)
	}
	if err := a.WriteFile(ctx, io.Discard, filepath.Join(w.src, "docs"), 0); !errors.Is(err, ErrNotFile) {
		t.Fatalf("a folder: %v", err)
	}

	checkZip(t, a, w.src, time.Time{}, now)
	checkZip(t, a, w.src, at1, then)

	files, size, err := a.FolderSize(w.src, time.Time{})
	if err != nil || files != len(now) || size != total(now) {
		t.Fatalf("folder size: %d files, %d bytes, %v", files, size, err)
	}
	buf.Reset()
	err = a.WriteZip(ctx, &buf, w.src, time.Time{}, size-1)
	if !errors.Is(err, ErrTooLarge) || buf.Len() != 0 || !strings.Contains(err.Error(), words(size)) ||
		!strings.Contains(err.Error(), words(size-1)) {
		t.Fatalf("over the cap: %v, %d bytes written", err, buf.Len())
	}
}

func total(files map[string]string) int64 {
	var n int64
	for _, d := range files {
		n += int64(len(d))
	}
	return n
}

// checkZip downloads dir as of at and compares it with want (paths
// relative to dir), byte for byte.
func checkZip(t *testing.T, a *Archive, dir string, at time.Time, want map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := a.WriteZip(ctx, &buf, dir, at, 1<<30); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(dir) + "/"
	got := map[string]string{}
	dirs := map[string]bool{}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, base) {
			t.Fatalf("zip entry %q is not inside %q", f.Name, base)
		}
		if f.FileInfo().IsDir() {
			dirs[strings.TrimSuffix(strings.TrimPrefix(f.Name, base), "/")] = true
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		rel := strings.TrimPrefix(f.Name, base)
		got[rel] = string(data)
		if f.Mode().Perm() != 0o644 || f.Modified.IsZero() {
			t.Errorf("%s: mode %v, modified %v", f.Name, f.Mode(), f.Modified)
		}
		if strings.HasSuffix(rel, ".jpg") != (f.Method == zip.Store) {
			t.Errorf("%s: method %d", f.Name, f.Method)
		}
	}
	if len(got) != len(want) {
		t.Errorf("zip as of %v holds %d files, want %d", at, len(got), len(want))
	}
	for rel, data := range want {
		if got[rel] != data {
			t.Errorf("zip as of %v: %s differs (%d bytes, want %d)", at, rel, len(got[rel]), len(data))
		}
	}
	for _, d := range []string{"", "docs", "docs/notes", "empty", "photos"} {
		if !dirs[d] {
			t.Errorf("zip as of %v: no folder %q (%v)", at, d, dirs)
		}
	}
}

func TestCloseForgetsTheArchive(t *testing.T) {
	w, _, _ := history(t)
	a := w.open()
	report := filepath.Join(w.src, "docs", "report.txt")
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				_, err1 := a.List(w.src, time.Time{}, true)
				err2 := a.WriteFile(ctx, io.Discard, report, 0)
				err3 := a.WriteZip(ctx, io.Discard, w.src, time.Time{}, 0)
				_, err4 := a.Roots(time.Time{})
				for _, err := range []error{err1, err2, err3, err4} {
					if err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	a.Close()
	wg.Wait()
	if _, err := a.List(w.src, time.Time{}, false); !errors.Is(err, ErrClosed) {
		t.Fatalf("list after close: %v", err)
	}
	if err := a.WriteFile(ctx, io.Discard, report, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("download after close: %v", err)
	}
	if _, err := a.Versions(report); !errors.Is(err, ErrClosed) {
		t.Fatalf("versions after close: %v", err)
	}
	a.Close() // twice is fine
}

// A segment damaged on the server's disk is named; a damaged pack makes the
// files with data in it fail, by name, before a zip writes anything.
func TestDamage(t *testing.T) {
	w, _, _ := history(t)
	pack := w.objectFile("packs")
	data, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	data[100] ^= 0xff // inside the first chunk
	os.WriteFile(pack, data, 0o600)
	a := w.open()
	var bad error
	for _, f := range []string{"big.bin", "photos/cat.jpg", "docs/report.txt", "new.txt", "docs/notes/todo.txt"} {
		if err := a.WriteFile(ctx, io.Discard, filepath.Join(w.src, f), 0); err != nil {
			if !errors.Is(err, engine.ErrDamaged) || !strings.Contains(err.Error(), f) {
				t.Fatalf("%s: %v", f, err)
			}
			bad = err
		}
	}
	if bad == nil {
		t.Fatal("a damaged chunk went unnoticed")
	}
	var buf bytes.Buffer
	if err := a.WriteZip(ctx, &buf, w.src, time.Time{}, 0); !errors.Is(err, engine.ErrDamaged) {
		t.Fatalf("zip with a damaged file: %v", err)
	}

	// A pack whose table is damaged is left out: its files' data is
	// missing, which a zip finds before it writes anything.
	data[len(data)-1] ^= 0xff // the trailer
	os.WriteFile(pack, data, 0o600)
	a = w.open()
	if len(a.Damaged()) == 0 {
		t.Fatal("the damaged pack is not reported")
	}
	buf.Reset()
	err = a.WriteZip(ctx, &buf, w.src, time.Time{}, 0)
	if !errors.Is(err, engine.ErrDamaged) || !strings.Contains(err.Error(), "missing") || buf.Len() != 0 {
		t.Fatalf("zip with data missing: %v, %d bytes written", err, buf.Len())
	}

	seg := w.objectFile("versions")
	data, _ = os.ReadFile(seg)
	data[len(data)-1] ^= 0xff
	os.WriteFile(seg, data, 0o600)
	_, err = Open(ctx, w.source(), []byte(archivePassword))
	if !errors.Is(err, engine.ErrDamaged) || !strings.Contains(err.Error(), filepath.Base(seg)) {
		t.Fatalf("damaged segment: %v", err)
	}
}
