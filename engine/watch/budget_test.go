package watch

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestWatchBudget(t *testing.T) {
	tests := []struct {
		name   string
		nofile uint64
		want   int
	}{
		{"macOS's default soft limit leaves nothing", 256, 0},
		{"just the reserve", minReserve, 0},
		{"a little over the reserve", 1100, 1100 - minReserve},
		{"kern.maxfilesperproc of older Macs: a quarter kept", 10240, 10240 - 2560},
		{"a recent Mac", 24576, 24576 - 6144},
		{"unlimited", 1 << 63, 1<<30 - 1<<28},
	}
	for _, tt := range tests {
		if got := watchBudget(tt.nofile); got != tt.want {
			t.Errorf("%s: watchBudget(%d) = %d, want %d", tt.name, tt.nofile, got, tt.want)
		}
	}
}

func TestFits(t *testing.T) {
	tests := []struct {
		used, cost, budget int
		want               bool
	}{
		{0, 10, -1, true}, // no budget (inotify)
		{0, 10, 10, true},
		{5, 6, 10, false},
		{0, 11, 10, false},
		{10, 1, 10, false},
	}
	for _, tt := range tests {
		if got := fits(tt.used, tt.cost, tt.budget); got != tt.want {
			t.Errorf("fits(%d, %d, %d) = %v, want %v", tt.used, tt.cost, tt.budget, got, tt.want)
		}
	}
}

// Under a descriptor budget (kqueue: one per folder and per file in it),
// the folders that fit are watched and the rest is reported as limited,
// covered by the scans; removing a watched folder gives its descriptors
// back.
func TestDescriptorBudgetLimitsButNeverFails(t *testing.T) {
	root := tempDir(t)
	for i := range 4 {
		d := filepath.Join(root, fmt.Sprintf("d%d", i))
		mkdirAll(t, d)
		for j := range 3 {
			writeFile(t, filepath.Join(d, fmt.Sprintf("f%d", j)), "x")
		}
	}
	o := fast(root)
	must(t, o.applyDefaults())
	// root costs 1 (no files), each d costs 4: 1+4+4 fit in 10.
	o.Descriptors = 10
	tr := newTree(&fakeAdder{left: 100}, o)
	must(t, tr.addRoots(context.Background(), o.Roots))
	st := tr.status()
	if !st.Limited || st.Folders != 3 || st.Unwatched != 2 || tr.used != 9 {
		t.Fatalf("status = %+v, %d descriptors used; want Limited, 3 folders watched, 2 not, 9 used", st, tr.used)
	}
	if !strings.Contains(st.Problem, "2 more are covered by the regular scans") {
		t.Errorf("Problem = %q", st.Problem)
	}
	tr.forget(filepath.Join(root, "d0"))
	if tr.used != 5 {
		t.Errorf("%d descriptors used after d0 went, want 5", tr.used)
	}
}
