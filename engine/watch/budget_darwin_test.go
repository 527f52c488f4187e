package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// openDescriptors counts the process's open files (the entries of /dev/fd,
// one of them the listing's own).
func openDescriptors(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/dev/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// lowerOpenFileLimit sets RLIMIT_NOFILE's soft limit to at most n for the
// rest of the test, and returns the limit in force.
func lowerOpenFileLimit(t *testing.T, n uint64) uint64 {
	t.Helper()
	var was syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &was); err != nil {
		t.Fatal(err)
	}
	if was.Cur <= n {
		return was.Cur
	}
	lower := was
	lower.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lower); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &was); err != nil {
			t.Errorf("put the open-file limit back: %v", err)
		}
	})
	return n
}

// On a Mac (the macOS CI), with fsnotify's real kqueue backend: watching a
// home folder of 50,000 files holds no more descriptors than the budget
// leaves (budget.go), so the rest of the program can still open files;
// what does not fit is reported as limited, which makes the service scan
// every BackupEvery (engine/service: a save there is found by the scan,
// watch_darwin_test.go), and a save where watches are is seen. The open-
// file limit is lowered to 20,000 (a Mac's kern.maxfilesperproc is often
// higher) so that 50,000 files cannot all fit whatever the machine.
func TestDescriptorBudgetHoldsOn50000Files(t *testing.T) {
	const folders, perFolder = 500, 100
	root := tempDir(t)
	for i := range folders {
		dir := filepath.Join(root, fmt.Sprintf("d%03d", i))
		mkdirAll(t, dir)
		for j := range perFolder {
			must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.txt", j)), nil, 0o644))
		}
	}
	limit := lowerOpenFileLimit(t, 20_000)
	budget := descriptorBudget(Options{})
	if want := watchBudget(limit); budget != want || budget <= 0 {
		t.Fatalf("budget %d under a limit of %d, want %d", budget, limit, want)
	}
	before := openDescriptors(t)
	c := startWatch(t, fast(root))
	st := c.w.Status()
	held := openDescriptors(t) - before
	t.Logf("limit %d, budget %d: %d descriptors held by %d watched folders, %d not watched",
		limit, budget, held, st.Folders, st.Unwatched)
	// The watcher's own kqueue and wake-up pipe come out of the reserve,
	// not the budget.
	const own = 4
	if held > budget+own {
		t.Fatalf("watches hold %d descriptors, over the budget of %d", held, budget)
	}
	if left := int(limit) - (before + held); left < minReserve {
		t.Fatalf("only %d descriptors left for reads, the index and connections, want at least %d", left, minReserve)
	}
	if st.Folders == 0 || st.Unwatched == 0 || st.Folders+st.Unwatched != folders+1 {
		t.Fatalf("status %+v: want some of the %d folders watched and the rest not", st, folders+1)
	}
	if !st.Limited || st.Problem == "" {
		t.Fatalf("status %+v: not reported as limited, so the service would not scan what is not watched", st)
	}
	// Folders are watched in the order of the walk: the first fits.
	saved := filepath.Join(root, "d000", "saved.txt")
	mark := c.mark()
	writeFile(t, saved, "saved by a person")
	c.waitNamed(t, mark, saved)
	// Files that can still be opened: the reserve is there.
	var open []*os.File
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	for i := range minReserve / 2 {
		f, err := os.Open(filepath.Join(root, "d499", fmt.Sprintf("f%03d.txt", i%perFolder)))
		if err != nil {
			t.Fatalf("open file %d beside the watches: %v", i, err)
		}
		open = append(open, f)
	}
}
