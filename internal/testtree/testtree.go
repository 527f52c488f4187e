// Package testtree builds file trees for tests and compares them, including
// modes, modification times, symlinks, hard links and special files.
package testtree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Node describes one entry to create.
type Node struct {
	Data     string      // content of a regular file
	Random   int         // or: this many pseudo-random bytes (seeded by the path)
	Mode     fs.FileMode // permission bits; default 0644 files, 0755 folders
	Dir      bool
	Symlink  string // target
	HardLink string // path (relative to the root) of the file this is a link to
	FIFO     bool
	MTime    time.Time // default: fixed 2024-05-01 12:00:00.123456789 UTC
}

// DefaultMTime is what entries get unless they say otherwise.
var DefaultMTime = time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC)

// Write creates nodes under root (paths slash-separated, relative).
func Write(t testing.TB, root string, nodes map[string]Node) {
	t.Helper()
	paths := make([]string, 0, len(nodes))
	for p := range nodes {
		paths = append(paths, p)
	}
	sort.Strings(paths) // parents first
	// Hard links last: their targets must exist.
	sort.SliceStable(paths, func(i, j int) bool {
		return nodes[paths[i]].HardLink == "" && nodes[paths[j]].HardLink != ""
	})
	var dirs []string
	for _, p := range paths {
		n := nodes[p]
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case n.Dir:
			err = os.MkdirAll(full, 0o755)
			dirs = append(dirs, p)
		case n.Symlink != "":
			err = os.Symlink(n.Symlink, full)
		case n.HardLink != "":
			err = os.Link(filepath.Join(root, filepath.FromSlash(n.HardLink)), full)
		case n.FIFO:
			err = mkfifo(t, full)
		default:
			data := []byte(n.Data)
			if n.Random > 0 {
				data = RandomBytes(p, n.Random)
			}
			err = os.WriteFile(full, data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !n.Dir {
			finish(t, full, n)
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- { // folders last: writing inside changes their mtime
		finish(t, filepath.Join(root, filepath.FromSlash(dirs[i])), nodes[dirs[i]])
	}
}

func finish(t testing.TB, full string, n Node) {
	t.Helper()
	if n.Symlink != "" {
		return
	}
	mode := n.Mode
	if mode == 0 {
		mode = 0o644
		if n.Dir {
			mode = 0o755
		}
	}
	if n.HardLink == "" {
		if err := os.Chmod(full, mode); err != nil {
			t.Fatal(err)
		}
	}
	mt := n.MTime
	if mt.IsZero() {
		mt = DefaultMTime
	}
	if err := os.Chtimes(full, mt, mt); err != nil {
		t.Fatal(err)
	}
}

// RandomBytes returns n bytes determined by seed.
func RandomBytes(seed string, n int) []byte {
	h := sha256.Sum256([]byte(seed))
	var s [32]byte
	copy(s[:], h[:])
	b := make([]byte, n)
	rand.NewChaCha8(s).Read(b)
	return b
}

// State is what Snapshot records of one entry.
type State struct {
	Type   string // "file", "dir", "symlink", "fifo", "socket", "device"
	Mode   fs.FileMode
	Size   int64
	MTime  int64 // ns; not compared for symlinks unless asked
	Hash   string
	Target string
	Link   string // for hard links: the first path (in order) sharing the inode
}

// Snapshot records every entry below root, keyed by slash path.
func Snapshot(t testing.TB, root string) map[string]State {
	t.Helper()
	out := map[string]State{}
	firsts := map[fileID]string{} // hard-linked files: the first path of each
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		s := State{Mode: info.Mode().Perm(), MTime: info.ModTime().UnixNano()}
		switch {
		case info.Mode().IsRegular():
			s.Type, s.Size = "file", info.Size()
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(data)
			s.Hash = hex.EncodeToString(h[:8])
			id, linked, err := hardLinkID(p, info)
			if err != nil {
				return err
			}
			if linked {
				if first, ok := firsts[id]; ok {
					s.Link = first
				} else {
					firsts[id] = rel
				}
			}
		case info.IsDir():
			s.Type = "dir"
		case info.Mode()&fs.ModeSymlink != 0:
			s.Type = "symlink"
			s.Target, _ = os.Readlink(p)
			s.Mode = 0
		case info.Mode()&fs.ModeNamedPipe != 0:
			s.Type = "fifo"
		case info.Mode()&fs.ModeSocket != 0:
			s.Type = "socket"
		case info.Mode()&fs.ModeDevice != 0:
			s.Type = "device"
		}
		out[rel] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Options relax Equal.
type Options struct {
	IgnoreDirMTime bool // folder times (changed by anything written into them)
	IgnoreMode     bool
}

// Diff describes how got differs from want ("" when equal).
func Diff(want, got map[string]State, o Options) string {
	var lines []string
	for p, w := range want {
		g, ok := got[p]
		if !ok {
			lines = append(lines, "missing: "+p)
			continue
		}
		if o.IgnoreMode {
			w.Mode, g.Mode = 0, 0
		}
		if (o.IgnoreDirMTime && w.Type == "dir") || w.Type == "symlink" {
			w.MTime, g.MTime = 0, 0
		}
		if w != g {
			lines = append(lines, fmt.Sprintf("differs: %s\n  want %+v\n  got  %+v", p, w, g))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			lines = append(lines, "extra: "+p)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Equal fails the test when the trees differ.
func Equal(t testing.TB, want, got map[string]State, o Options) {
	t.Helper()
	if d := Diff(want, got, o); d != "" {
		t.Fatalf("trees differ:\n%s", d)
	}
}
