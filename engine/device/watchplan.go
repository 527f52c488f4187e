package device

import (
	"path/filepath"
	"strings"

	"github.com/cairnbackup/cairn/engine/selection"
)

// WatchPlan is what a watcher of the selection follows: the selected roots,
// what to leave out, and a key that changes whenever either does.
type WatchPlan struct {
	// Roots are the selected folders and files in the system's own form
	// (`C:\Users\ana` on Windows): the watcher hands them to the OS.
	Roots []string
	// Skip is asked about the system paths the watcher meets.
	Skip func(path string, isDir bool) bool
	Key  string
}

// WatchPlan returns the current plan.
func (d *Device) WatchPlan() (WatchPlan, error) {
	c := d.conf()
	m, skip, err := d.exclusions(c)
	if err != nil {
		return WatchPlan{}, err
	}
	roots := c.Selection.Roots()
	key := strings.Join(roots, "\x00") + "\x01" + strings.Join(c.Selection.Exclude, "\x00") +
		"\x01" + strings.Join(c.Selection.Defaults, "\x00") + "\x01" + strings.Join(skip, "\x00")
	osRoots := make([]string, len(roots))
	for i, r := range roots {
		osRoots[i] = selection.OSPath(d.goos, r)
	}
	return WatchPlan{Roots: osRoots, Key: key, Skip: func(p string, isDir bool) bool {
		p = d.archivePath(p)
		for _, s := range skip {
			if p == s || strings.HasPrefix(p, s+"/") {
				return true
			}
		}
		return m.Excluded(p, isDir)
	}}, nil
}

// archivePath turns an absolute path of this computer's system into the
// archive's form; anything else only gets "/" separators.
func (d *Device) archivePath(p string) string {
	if a, ok := selection.ArchivePath(d.goos, p); ok {
		return a
	}
	return filepath.ToSlash(p)
}
