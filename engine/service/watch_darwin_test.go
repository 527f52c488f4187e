package service

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// On a Mac (the macOS CI), with kqueue: when the home folder has more
// files than the descriptor budget lets the watcher hold (each watched
// folder and each file in it takes one), the folders left over are found
// by the regular scans, every BackupEvery, as engine/watch's budget.go
// documents. The open-file limit is lowered to 4,096 for the test (a
// budget of 3,072), so that 4,000 files cannot all be watched.
func TestUnwatchedFoldersAreFoundByTheScans(t *testing.T) {
	d, src := newDevice(t)
	const folders, perFolder = 40, 100
	for i := range folders {
		dir := filepath.Join(src, fmt.Sprintf("d%02d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for j := range perFolder {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.txt", j)), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	set := d.Settings()
	set.BackupEvery = time.Minute // the shortest there is
	if err := d.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	var was syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &was); err != nil {
		t.Fatal(err)
	}
	if was.Cur > 4096 {
		lower := was
		lower.Cur = 4096
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lower); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &was) })
	}
	d.AddFiles(src)
	s, ctx := watching(t, d, Options{})
	st := waitFor(t, s, func(st State) bool { return st.Watching.Folders > 0 && !st.NextRun.IsZero() })
	if !st.Watching.Limited || st.Watching.Unwatched == 0 || st.Watching.Problem == "" {
		t.Fatalf("watching %+v: want some folders left to the scans, and said so", st.Watching)
	}
	if st.NextScan.Sub(st.LastScan) > set.BackupEvery+time.Second {
		t.Fatalf("next scan %v after the last, want every %v", st.NextScan.Sub(st.LastScan), set.BackupEvery)
	}
	// The last folder of the walk is past the budget: not watched.
	saved := filepath.Join(src, fmt.Sprintf("d%02d", folders-1), "saved.txt")
	if err := os.WriteFile(saved, []byte("saved where no watch is"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A scan is at most a minute away; generous for a busy CI Mac.
	deadline := time.Now().Add(4 * time.Minute)
	for !hasContent(ctx, d, saved, len("saved where no watch is"))() {
		if time.Now().After(deadline) {
			t.Fatalf("the save in an unwatched folder was not backed up by the scans; state %+v", s.State())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
