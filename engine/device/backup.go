package device

import (
	"context"
	"errors"

	"github.com/cairnbackup/cairn/engine/backup"
)

// BackupOptions are the caller's hooks for a pass.
type BackupOptions struct {
	Progress  func(backup.Progress)
	FileError func(backup.FileError)
}

// Backup makes one pass over the selection to a destination ("" = the only one).
func (d *Device) Backup(ctx context.Context, dest string, o BackupOptions) (backup.Result, error) {
	r, dst, err := d.repo(ctx, dest)
	if err != nil {
		return backup.Result{}, err
	}
	roots := d.cfg.Selection.Roots()
	if len(roots) == 0 {
		return backup.Result{}, errors.New("nothing is selected: add folders with 'cairn files add PATH'")
	}
	m, err := d.cfg.Selection.Matcher(d.goos, toSlash(d.userDir))
	if err != nil {
		return backup.Result{}, err
	}
	skip := []string{toSlash(d.home)}
	for _, x := range d.cfg.Destinations {
		if x.Type == "folder" {
			skip = append(skip, toSlash(x.Path))
		}
	}
	_ = dst
	return backup.Run(ctx, r, backup.Options{
		Roots: roots, Exclude: m, Skip: skip, Progress: o.Progress, FileError: o.FileError,
	})
}
