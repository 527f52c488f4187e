//go:build unix

package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// fileSum is what the restore check compares for one path.
type fileSum struct {
	size int64    // -1 for anything that is neither a regular file nor a folder
	sum  [32]byte // SHA-256 of the content
}

// tree maps slash-separated paths, relative to the tree's root, to their sums. Folders are not listed.
type tree map[string]fileSum

// bytes returns the total size of the tree's regular files.
func (t tree) bytes() int64 {
	var n int64
	for _, f := range t {
		if f.size > 0 {
			n += f.size
		}
	}
	return n
}

// hashTree reads every file under root, NumCPU files at a time.
func hashTree(ctx context.Context, root string) (tree, error) {
	var paths []string
	out := tree{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.Type().IsRegular():
			paths = append(paths, rel)
		case !d.IsDir():
			out[filepath.ToSlash(rel)] = fileSum{size: -1}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sums := make([]fileSum, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for i := range next {
				sums[i], errs[i] = hashFile(filepath.Join(root, paths[i]))
			}
		})
	}
feed:
	for i := range paths {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, p := range paths {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[filepath.ToSlash(p)] = sums[i]
	}
	return out, nil
}

func hashFile(p string) (fileSum, error) {
	f, err := os.Open(p)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fileSum{}, fmt.Errorf("read %s: %w", p, err)
	}
	var s fileSum
	s.size = n
	h.Sum(s.sum[:0])
	return s, nil
}

// compareTrees returns "" when got holds exactly want's files with the same content, else a summary of the
// differences with a few examples of each kind.
func compareTrees(want, got tree) string {
	var missing, extra, size, content []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			missing = append(missing, p)
		case g.size != w.size:
			size = append(size, p)
		case g.sum != w.sum:
			content = append(content, p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			extra = append(extra, p)
		}
	}
	var parts []string
	for _, k := range []struct {
		what  string
		paths []string
	}{{"missing", missing}, {"unexpected", extra}, {"of the wrong size", size}, {"with wrong content", content}} {
		if len(k.paths) > 0 {
			parts = append(parts, fmt.Sprintf("%d files %s (%s)", len(k.paths), k.what, examples(k.paths, 3)))
		}
	}
	return strings.Join(parts, "; ")
}

func examples(paths []string, n int) string {
	sort.Strings(paths)
	if len(paths) > n {
		return strings.Join(paths[:n], ", ") + ", …"
	}
	return strings.Join(paths, ", ")
}
