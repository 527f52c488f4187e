package device

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairnbackup/cairn/engine/selection"
)

// The watcher gets the system's paths: on Windows `C:\Users\ana`, not the
// archive's "/C:/Users/ana", which no Windows call understands (issue 16:
// continuous protection never started there). Run here with Windows' rules.
func TestWatchPlanHandsTheWatcherSystemPaths(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(filepath.Join(dir, "cairn-home"), Options{UserHome: filepath.Join(dir, "ana")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.goos = "windows"
	err = d.SetSelection(selection.Selection{
		Include: []string{"/C:/Users/ana", "/D:", "/UNC/nas/photos"},
		Exclude: []string{"*.tmp", "/C:/Users/ana/AppData"},
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := d.WatchPlan()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`C:\Users\ana`, `D:\`, `\\nas\photos\`}
	if got := slices.Sorted(slices.Values(plan.Roots)); !slices.Equal(got, want) {
		t.Fatalf("roots %q, want %q", got, want)
	}
	for _, c := range []struct {
		path  string
		isDir bool
		skip  bool
	}{
		{`C:\Users\ana\AppData`, true, true},
		{`C:\Users\ana\Documents\draft.tmp`, false, true},
		{`C:\Users\ana\Documents\report.docx`, false, false},
		{`\\nas\photos\2024\a.tmp`, false, true},
		{`\\nas\photos\2024\a.jpg`, false, false},
	} {
		if got := plan.Skip(c.path, c.isDir); got != c.skip {
			t.Errorf("Skip(%s) = %v, want %v", c.path, got, c.skip)
		}
	}
}
