package watch

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestMaxWatchesLimitsButNeverFails(t *testing.T) {
	root := tempDir(t)
	for i := range 9 {
		mkdirAll(t, filepath.Join(root, fmt.Sprintf("d%d", i)))
	}
	o := fast(root)
	o.MaxWatches = 3
	c := startWatch(t, o)
	st := c.w.Status()
	if !st.Limited || st.Folders != 3 || st.Unwatched != 7 || st.Limit != 3 {
		t.Fatalf("Status = %+v, want Limited, 3 folders watched, 7 not", st)
	}
	want := "This computer allows watching only 3 folders (" + limitName + "); 7 more are covered by the regular scans."
	if st.Problem != want {
		t.Errorf("Problem = %q, want %q", st.Problem, want)
	}

	mark := c.mark()
	p := filepath.Join(root, "still-watched.txt")
	writeFile(t, p, "x")
	c.waitNamed(t, mark, p)

	mkdirAll(t, filepath.Join(root, "new"))
	c.waitStatus(t, "the new folder unwatched", func(st Status) bool { return st.Unwatched == 8 })
}

// fakeAdder fails as inotify does once fs.inotify.max_user_watches watches
// are in use.
type fakeAdder struct{ left int }

func (f *fakeAdder) Add(string) error {
	if f.left == 0 {
		return fmt.Errorf("add watch: %w", syscall.ENOSPC)
	}
	f.left--
	return nil
}

func (f *fakeAdder) Remove(string) error { f.left++; return nil }

func TestENOSPCLimitsButNeverFails(t *testing.T) {
	root := tempDir(t)
	for i := range 4 {
		mkdirAll(t, filepath.Join(root, fmt.Sprintf("d%d", i)))
	}
	o := fast(root)
	must(t, o.applyDefaults())
	tr := newTree(&fakeAdder{left: 2}, o)
	must(t, tr.addRoots(context.Background(), o.Roots))
	st := tr.status()
	if !st.Limited || st.Folders != 2 || st.Unwatched != 3 {
		t.Fatalf("status = %+v, want Limited, 2 watched, 3 not", st)
	}
	if !strings.Contains(st.Problem, "3 more are covered by the regular scans") {
		t.Errorf("Problem = %q", st.Problem)
	}
}

func TestOtherFailuresAreCountedNotReturned(t *testing.T) {
	root := tempDir(t)
	o := fast(root)
	must(t, o.applyDefaults())
	tr := newTree(failing{}, o)
	must(t, tr.addRoots(context.Background(), o.Roots))
	st := tr.status()
	if st.Limited || st.Unwatched != 1 || !strings.Contains(st.Problem, "permission denied") {
		t.Errorf("status = %+v, want 1 unwatched folder, not limited, the reason in Problem", st)
	}
}

type failing struct{}

func (failing) Add(string) error    { return syscall.EACCES }
func (failing) Remove(string) error { return nil }
