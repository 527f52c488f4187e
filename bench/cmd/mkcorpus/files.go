package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"golang.org/x/sync/errgroup"
)

// writeAll renders and writes n files, spec(0) … spec(n-1), NumCPU at a time. Each file's content depends only
// on its spec, so the result is the same whatever the order the workers take them in.
func writeAll(ctx context.Context, root string, n int, spec func(i int) fileSpec) error {
	g, ctx := errgroup.WithContext(ctx)
	next := make(chan int)
	for range runtime.NumCPU() {
		g.Go(func() error {
			for i := range next {
				s := spec(i)
				if err := writeFile(root, s, render(s)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(next)
		for i := 0; i < n; i++ {
			select {
			case next <- i:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	return g.Wait()
}

func writeFile(root string, s fileSpec, data []byte) error {
	p := filepath.Join(root, s.path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

func mustNotExist(root string) error {
	if _, err := os.Lstat(root); err == nil {
		return fmt.Errorf("%s already exists: give a new folder, or delete it first", root)
	}
	return nil
}

// filesUpTo lists the regular files under root of at most limit bytes, sorted by path.
func filesUpTo(root string, limit int64) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() <= limit {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// appendLines appends one line to n files of paths, every stride-th from the first.
func appendLines(paths []string, stride, n int) error {
	for i := 0; i < n; i++ {
		if err := appendLine(paths[i*stride], i); err != nil {
			return err
		}
	}
	return nil
}

// appendLine appends the i-th change line to the file at p.
func appendLine(p string, i int) error {
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "modified line %d: the quick brown fox jumps over the lazy dog\n", i)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
