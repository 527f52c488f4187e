//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// dirBytes is `du -sb`: the apparent size of every file and folder under root, root included, each hard-linked
// inode once. A missing root is 0 bytes.
func dirBytes(root string) (int64, error) {
	if _, err := os.Lstat(root); os.IsNotExist(err) {
		return 0, nil
	}
	type inode struct{ dev, ino uint64 }
	seen := map[inode]bool{}
	var n int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 && !info.IsDir() {
			k := inode{uint64(st.Dev), st.Ino}
			if seen[k] {
				return nil
			}
			seen[k] = true
		}
		n += info.Size()
		return nil
	})
	return n, err
}

// copyTree copies src to dst (which must not exist) with `cp -a`: modes, times, links and sparse files kept, so
// the copy behaves exactly as the original for the tool that owns it.
func copyTree(src, dst string) error {
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s %s: %w: %s", src, dst, err, out)
	}
	return nil
}

// replaceTree makes dst an exact copy of src.
func replaceTree(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return copyTree(src, dst)
}

// freeBytes is the space available to us on the file system that holds dir.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
