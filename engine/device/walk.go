package device

import (
	"context"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/selection"
)

// walkSelected visits everything under root that the matcher does not
// exclude, without following symlinks; unreadable folders are skipped, and
// so is what a backup leaves out by design (fs.Info.NotBackedUp: cloud-only
// files, Windows junctions), which would otherwise count in the size.
func walkSelected(ctx context.Context, root string, m *selection.Matcher, visit func(isDir bool, size int64)) error {
	info, err := fs.Stat(root)
	if err != nil {
		return err
	}
	if info.NotBackedUp != nil || m.Excluded(root, info.Type == engine.TypeDir) {
		return nil // as a backup does: exclusions win over an included root
	}
	if info.Type != engine.TypeDir {
		visit(false, info.Size)
		return nil
	}
	d, err := fs.OpenDir(root)
	if err != nil {
		return nil
	}
	return walkDir(ctx, d, root, m, visit)
}

func walkDir(ctx context.Context, d *fs.Dir, path string, m *selection.Matcher, visit func(bool, int64)) error {
	defer d.Close()
	visit(true, 0)
	names, err := d.Names()
	if err != nil {
		return nil
	}
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		child := path + "/" + n
		if path == "/" {
			child = "/" + n
		}
		info, err := d.Lstat(n)
		if err != nil || info.NotBackedUp != nil {
			continue
		}
		isDir := info.Type == engine.TypeDir
		if m != nil && m.Excluded(child, isDir) {
			continue
		}
		if !isDir {
			visit(false, info.Size)
			continue
		}
		sub, err := d.OpenDir(n)
		if err != nil {
			continue
		}
		if err := walkDir(ctx, sub, child, m, visit); err != nil {
			return err
		}
	}
	return nil
}
