//go:build unix

package main

import (
	"path/filepath"
	"strings"
)

// The single-file restore of `make bench-scale`, per tool. rel is the file's path inside the corpus, with
// slashes; target is an empty folder.

// restic filters the snapshot with --include and recreates the file's absolute path under the target.
func (resticDriver) restoreOne(t *tool, target, rel string) command {
	return command{args: []string{t.bin, "-r", t.repo(), "restore", "latest", "--target", target,
		"--include", filepath.Join(t.corpus, rel)}}
}

func (resticDriver) restoredOne(t *tool, target, rel string) string {
	return filepath.Join(target, t.corpus, rel)
}

// kopia takes a path inside a snapshotted folder and restores that entry of its latest snapshot to the path
// given as the target.
func (d kopiaDriver) restoreOne(t *tool, target, rel string) command {
	return command{args: []string{t.bin, "--config-file", d.config(t), "snapshot", "restore",
		filepath.Join(t.corpus, rel), filepath.Join(target, filepath.Base(rel))}}
}

func (kopiaDriver) restoredOne(_ *tool, target, rel string) string {
	return filepath.Join(target, filepath.Base(rel))
}

// borg extracts the path as stored (absolute, without its leading slash) inside the working folder.
func (d borgDriver) restoreOne(t *tool, target, rel string) command {
	stored := strings.TrimPrefix(filepath.Join(t.corpus, rel), "/")
	return command{args: []string{t.bin, "extract", t.repo() + "::" + d.archive(t.seq), stored}, dir: target}
}

func (borgDriver) restoredOne(t *tool, target, rel string) string {
	return filepath.Join(target, t.corpus, rel)
}

// cairn puts the path's last element inside the --to folder.
func (cairnDriver) restoreOne(t *tool, target, rel string) command {
	return command{args: []string{t.bin, "restore", "--to", target, filepath.Join(t.corpus, rel)}}
}

func (cairnDriver) restoredOne(_ *tool, target, rel string) string {
	return filepath.Join(target, filepath.Base(rel))
}
