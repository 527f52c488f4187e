package device

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/selection"
)

// ArchivePath turns a path typed by a person (relative to the current
// folder, with OS separators) into the archive's form. On Windows a drive
// alone ("C:") is the drive's root, and "/C:/x" is already the archive's
// form.
func ArchivePath(p string) (string, error) {
	if a, ok := selection.ArchivePath(runtime.GOOS, p); ok {
		return a, nil
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("find the full path of %s: %w", p, err)
	}
	return toSlash(abs), nil
}

// Versions returns every version of path at a destination, oldest first.
func (d *Device) Versions(ctx context.Context, dest, path string) ([]engine.Version, error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return nil, err
	}
	return d.ix.History(r.Dest(), path)
}

// List calls fn for the children of path as of view (recursive: the whole
// subtree), in name order.
func (d *Device) List(ctx context.Context, dest, path string, view index.View, recursive bool, fn func(index.Entry) error) error {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return err
	}
	if recursive {
		return d.ix.Tree(r.Dest(), path, view, func(e index.Entry) error {
			if e.Version.Path == path {
				return nil
			}
			return fn(e)
		})
	}
	return d.ix.List(r.Dest(), path, view, fn)
}

// Lookup returns path as of view.
func (d *Device) Lookup(ctx context.Context, dest, path string, view index.View) (index.Entry, bool, error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return index.Entry{}, false, err
	}
	return d.ix.At(r.Dest(), path, view)
}

// Restore brings files back from a destination.
func (d *Device) Restore(ctx context.Context, dest string, opts restore.Options) (restore.Result, error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return restore.Result{}, err
	}
	if _, err := r.Sync(ctx); err != nil {
		return restore.Result{}, err
	}
	return restore.Run(ctx, r, opts)
}
