package device

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/watch"
)

// cacheFolder is a folder below the home that the defaults leave out on
// each system (selection's defaults*.go).
var cacheFolder = map[string]string{
	"windows": filepath.Join("AppData", "Local", "Temp"),
	"darwin":  filepath.Join("Library", "Caches"),
	"linux":   ".cache",
}

// A watcher started from WatchPlan, as the service starts it (its roots,
// its Skip, watch's default debounce), sees a file saved in the home
// folder within seconds, and never a file saved in a folder the defaults
// leave out. On Windows this is where the system's form of the roots
// counts: with the archive's ("/C:/Users/…") nothing was ever watched.
func TestWatchPlanWatcherSeesASaveWithinSeconds(t *testing.T) {
	f := newFixture(t)
	cache, ok := cacheFolder[runtime.GOOS]
	if !ok {
		t.Skipf("no default-excluded folder known for %s", runtime.GOOS)
	}
	for _, d := range []string{"Documents", cache} {
		if err := os.MkdirAll(filepath.Join(f.src, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := f.d.WatchPlan()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Roots) != 1 || !filepath.IsAbs(plan.Roots[0]) {
		t.Fatalf("roots %q, want the home folder in this system's form", plan.Roots)
	}
	home := plan.Roots[0]
	if !plan.Skip(filepath.Join(home, cache), true) {
		t.Fatalf("%s is not left out by the defaults", filepath.Join(home, cache))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := watch.Start(ctx, watch.Options{Roots: plan.Roots, Skip: plan.Skip})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if st := w.Status(); st.Folders == 0 || st.Problem != "" {
		t.Fatalf("watching %+v", st)
	}
	var mu sync.Mutex
	var seen []string
	go func() {
		for b := range w.Batches() {
			mu.Lock()
			seen = append(seen, b.Paths...)
			mu.Unlock()
		}
	}()
	saved := filepath.Join(home, "Documents", "report.docx")
	cached := filepath.Join(home, cache, "thumbnail.db")
	start := time.Now()
	if err := os.WriteFile(cached, []byte("cache"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(saved, []byte("saved by a person"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Within seconds: watch's debounce is 2 s; the deadline is generous
	// for a busy CI machine, the check below is what the person sees.
	deadline := start.Add(time.Minute)
	for {
		mu.Lock()
		got := slices.Contains(seen, saved)
		all := slices.Clone(seen)
		mu.Unlock()
		if got {
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("the save was seen after %v, not within seconds", took)
			}
			if slices.ContainsFunc(all, func(p string) bool { return p == cached || p == filepath.Dir(cached) }) {
				t.Errorf("a file in %s was reported: %v", cache, all)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute the save of %s was not reported; seen %v, status %+v", saved, all, w.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
