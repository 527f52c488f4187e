package watch

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestReportsEachKindOfChange(t *testing.T) {
	root := tempDir(t)
	c := startWatch(t, fast(root))
	at := func(name string) string { return filepath.Join(root, name) }
	steps := []struct {
		name string
		do   func(t *testing.T)
		want []string
	}{
		{"create a file", func(t *testing.T) { writeFile(t, at("a.txt"), "one") }, []string{at("a.txt")}},
		{"modify it", func(t *testing.T) { writeFile(t, at("a.txt"), "two") }, []string{at("a.txt")}},
		{"chmod it", func(t *testing.T) { must(t, os.Chmod(at("a.txt"), 0o600)) }, []string{at("a.txt")}},
		{"rename it", func(t *testing.T) { must(t, os.Rename(at("a.txt"), at("b.txt"))) }, []string{at("a.txt"), at("b.txt")}},
		{"make a folder", func(t *testing.T) { mkdirAll(t, at("d")) }, []string{at("d")}},
		{"rename the folder", func(t *testing.T) { must(t, os.Rename(at("d"), at("e"))) }, []string{at("d"), at("e")}},
		{"delete the file", func(t *testing.T) { must(t, os.Remove(at("b.txt"))) }, []string{at("b.txt")}},
		{"delete the folder", func(t *testing.T) { must(t, os.Remove(at("e"))) }, []string{at("e")}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.name == "chmod it" && runtime.GOOS == "windows" {
				t.Skip("Windows keeps no mode: 0600 changes no attribute, so there is no event")
			}
			mark := c.mark()
			s.do(t)
			checkBatches(t, c.waitNamed(t, mark, s.want...))
		})
	}
}

func TestNewNestedFolderIsWatchedAsItAppears(t *testing.T) {
	root := tempDir(t)
	c := startWatch(t, fast(root))
	deep := filepath.Join(root, "a", "b", "c")
	mark := c.mark()
	mkdirAll(t, deep)
	var early []string
	for _, name := range []string{"1.txt", "2.txt", "3.txt"} {
		early = append(early, filepath.Join(deep, name))
		writeFile(t, early[len(early)-1], name)
	}
	c.waitFor(t, mark, "the files written at once covered", func(bs []Batch) bool {
		return !slices.ContainsFunc(early, func(p string) bool { return !covered(bs, p) })
	})

	c.waitStatus(t, "the new folders watched", func(st Status) bool { return st.Folders == 4 })
	mark = c.mark()
	later := filepath.Join(deep, "later.txt")
	writeFile(t, later, "later")
	c.waitNamed(t, mark, later)
}

func TestRenamedFolderReportsNewPaths(t *testing.T) {
	root := tempDir(t)
	old, moved := filepath.Join(root, "old"), filepath.Join(root, "moved")
	mkdirAll(t, filepath.Join(old, "sub"))
	c := startWatch(t, fast(root))

	mark := c.mark()
	must(t, os.Rename(old, moved))
	c.waitNamed(t, mark, old, moved)

	mark = c.mark()
	inside, deeper := filepath.Join(moved, "f.txt"), filepath.Join(moved, "sub", "g.txt")
	writeFile(t, inside, "f")
	writeFile(t, deeper, "g")
	bs := c.waitNamed(t, mark, inside, deeper)
	if stale := namedUnder(bs, old); len(stale) > 0 {
		t.Errorf("after the rename, events still name the old place: %v", stale)
	}
	if st := c.w.Status(); st.Folders != 3 {
		t.Errorf("Folders = %d, want 3 (root, moved, moved/sub)", st.Folders)
	}
}

func TestFolderMovedInAndOut(t *testing.T) {
	root, outside := tempDir(t), tempDir(t)
	c := startWatch(t, fast(root))

	mkdirAll(t, filepath.Join(outside, "in", "sub"))
	in := filepath.Join(root, "in")
	mark := c.mark()
	must(t, os.Rename(filepath.Join(outside, "in"), in))
	c.waitNamed(t, mark, in)
	mark = c.mark()
	f := filepath.Join(in, "sub", "f.txt")
	writeFile(t, f, "f")
	c.waitNamed(t, mark, f)

	mark = c.mark()
	away := filepath.Join(outside, "away")
	must(t, os.Rename(in, away))
	c.waitNamed(t, mark, in)
	c.waitStatus(t, "the moved-out folders dropped", func(st Status) bool { return st.Folders == 1 })
	writeFile(t, filepath.Join(away, "sub", "g.txt"), "g")
	sentinel := filepath.Join(root, "sentinel.txt")
	writeFile(t, sentinel, "s")
	bs := c.waitNamed(t, mark, sentinel)
	if stale := namedUnder(bs, filepath.Join(in, "sub")); len(stale) > 0 {
		t.Errorf("a folder moved out of the selection is still reported: %v", stale)
	}
}

func TestRemovedFolderDropsItsWatches(t *testing.T) {
	root := tempDir(t)
	gone := filepath.Join(root, "gone")
	mkdirAll(t, filepath.Join(gone, "a", "b"))
	c := startWatch(t, fast(root))
	if st := c.w.Status(); st.Folders != 4 {
		t.Fatalf("Folders = %d at start, want 4", st.Folders)
	}
	mark := c.mark()
	must(t, os.RemoveAll(gone))
	c.waitNamed(t, mark, gone)
	c.waitStatus(t, "the removed folders dropped", func(st Status) bool { return st.Folders == 1 })
}

func TestSkippedPathsAreNeitherWatchedNorReported(t *testing.T) {
	root := tempDir(t)
	cache := filepath.Join(root, "cache")
	mkdirAll(t, filepath.Join(cache, "deep"))
	o := fast(root)
	o.Skip = func(p string, isDir bool) bool {
		return (isDir && filepath.Base(p) == "cache") || strings.HasSuffix(p, ".tmp")
	}
	c := startWatch(t, o)
	if st := c.w.Status(); st.Folders != 1 {
		t.Errorf("Folders = %d, want 1: an excluded folder is not watched", st.Folders)
	}
	mark := c.mark()
	writeFile(t, filepath.Join(cache, "x"), "x")
	writeFile(t, filepath.Join(root, "draft.tmp"), "x")
	mkdirAll(t, filepath.Join(root, "new", "cache"))
	writeFile(t, filepath.Join(root, "new", "cache", "y"), "y")
	sentinel := filepath.Join(root, "kept.txt")
	writeFile(t, sentinel, "k")
	bs := c.waitNamed(t, mark, sentinel)
	for _, b := range bs {
		for _, p := range b.Paths {
			if strings.Contains(p, "cache") || strings.HasSuffix(p, ".tmp") {
				t.Errorf("excluded path reported: %s", p)
			}
		}
	}
}

func TestFileRootKeepsOnlyThatFile(t *testing.T) {
	dir := tempDir(t)
	file := filepath.Join(dir, "notes.txt")
	writeFile(t, file, "v1")
	mkdirAll(t, filepath.Join(dir, "other"))
	c := startWatch(t, fast(file))
	if st := c.w.Status(); st.Folders != 1 {
		t.Errorf("Folders = %d, want 1 (the file's parent)", st.Folders)
	}
	mark := c.mark()
	writeFile(t, filepath.Join(dir, "sibling.txt"), "s")
	mkdirAll(t, filepath.Join(dir, "newdir"))
	writeFile(t, file, "v2")
	bs := c.waitNamed(t, mark, file)
	for _, b := range bs {
		if !slices.Equal(b.Paths, []string{file}) {
			t.Errorf("batch %v names more than the root file", b.Paths)
		}
	}
	if st := c.w.Status(); st.Folders != 1 {
		t.Errorf("Folders = %d after a folder was made beside the file, want 1", st.Folders)
	}
}

func TestMissingRootIsAProblemNotAFailure(t *testing.T) {
	root := tempDir(t)
	missing := filepath.Join(root, "usb-drive")
	c := startWatch(t, fast(root, missing))
	st := c.w.Status()
	if !slices.Equal(st.Missing, []string{missing}) || !strings.Contains(st.Problem, missing) {
		t.Errorf("Status = %+v, want the missing root named in Missing and Problem", st)
	}
	if st.Folders != 1 {
		t.Errorf("Folders = %d, want 1", st.Folders)
	}
}

func TestRelativeRootFails(t *testing.T) {
	if _, err := Start(context.Background(), Options{Roots: []string{"relative/path"}}); err == nil {
		t.Error("Start accepted a relative root")
	}
}

func TestRemovedRootBecomesMissing(t *testing.T) {
	parent := tempDir(t)
	root := filepath.Join(parent, "root")
	mkdirAll(t, filepath.Join(root, "sub"))
	c := startWatch(t, fast(root))
	mark := c.mark()
	must(t, os.RemoveAll(root))
	c.waitNamed(t, mark, root)
	c.waitStatus(t, "the root missing", func(st Status) bool {
		return st.Folders == 0 && slices.Equal(st.Missing, []string{root})
	})
}
