package service

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// A folder added to the selection is backed up at once by a pass of its
// own (not a scan of everything), and until it is, the state does not say
// that everything is safe: with the watcher and without it (the regular
// scans are then hours away).
func TestAFolderAddedToTheSelectionIsBackedUpAtOnce(t *testing.T) {
	for _, noWatch := range []bool{false, true} {
		t.Run(map[bool]string{false: "watching", true: "scanning"}[noWatch], func(t *testing.T) {
			d, src := newDevice(t)
			if err := d.AddFiles(filepath.Join(src, "b")); err != nil {
				t.Fatal(err)
			}
			s := NewWithOptions(d, Options{NoWatch: noWatch, Presence: present(time.Hour), Battery: noBattery})
			ctx := serve(t, s)
			waitFor(t, s, func(st State) bool { return st.Phase == Idle && !st.LastSafe.IsZero() })

			// A command holds the archive while the person adds a folder:
			// the state must know at once that it is not backed up.
			release, err := s.Hold(ctx)
			if err != nil {
				t.Fatal(err)
			}
			added := filepath.Join(src, "new")
			testtree.Write(t, added, map[string]testtree.Node{"n.txt": {Data: "new"}})
			if noWatch { // a change elsewhere, for the regular scans to find (hours away)
				os.WriteFile(filepath.Join(src, "b", "c.txt"), []byte("changed elsewhere"), 0o644)
			}
			changedAt := time.Now()
			if err := d.AddFiles(added); err != nil {
				t.Fatal(err)
			}
			waitFor(t, s, func(st State) bool { return st.SelectionAdded })

			// Whenever the state says safe from now on, the new file is in
			// the backup (publish calls this from the service's goroutine,
			// after the pass).
			var mu sync.Mutex
			var lied bool
			defer s.Subscribe(func(st State) {
				if st.Phase == Idle && !st.SelectionAdded && st.LastSafe.After(changedAt) {
					if _, ok := newest(context.Background(), d, filepath.Join(added, "n.txt")); !ok {
						mu.Lock()
						lied = true
						mu.Unlock()
					}
				}
			})()
			release()
			waitFor(t, s, func(st State) bool {
				return st.Phase == Idle && !st.SelectionAdded && st.LastSafe.After(changedAt)
			})
			if _, ok := newest(ctx, d, filepath.Join(added, "n.txt")); !ok {
				t.Fatal("the added folder is not in the backup")
			}
			// The pass was for what was added, not a scan of everything.
			if v, ok := newest(ctx, d, filepath.Join(src, "b", "c.txt")); noWatch && (!ok || v.Size != 1) {
				t.Fatalf("the pass for the added folder scanned the rest too: %+v", v)
			}
			mu.Lock()
			defer mu.Unlock()
			if lied {
				t.Fatal("the state said safe before the added folder was backed up")
			}
		})
	}
}

// Only folders added, and nothing else changed, get a scan of their own;
// any other change needs a scan of everything.
func TestAddedRoots(t *testing.T) {
	cov := func(roots []string, exclude ...string) coverage {
		return coverage{roots: roots, sel: selection.Selection{Include: roots, Exclude: exclude}}
	}
	before := cov([]string{"/home/ana/Documents"})
	for _, c := range []struct {
		name string
		now  coverage
		want []string
	}{
		{"a folder added", cov([]string{"/home/ana/Documents", "/home/ana/Music"}), []string{"/home/ana/Music"}},
		{"a folder taken out", cov([]string{"/home/ana/Music"}), nil},
		{"an exclusion added", cov([]string{"/home/ana/Documents", "/home/ana/Music"}, "*.tmp"), nil},
		{"nothing but the destinations", cov([]string{"/home/ana/Documents"}), nil},
	} {
		if got := addedRoots(before, c.now); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
