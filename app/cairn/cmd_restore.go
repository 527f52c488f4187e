package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
)

func cmdRestore(ctx context.Context, e *env, args []string) error {
	fs := newFlags("restore", e)
	dest := fs.String("dest", "", "destination name")
	at := fs.String("at", "", "as of this time (RFC 3339)")
	to := fs.String("to", "", "restore into this folder (default: the original places)")
	conflict := fs.String("conflict", "rename", "when a file is in the way: rename (the existing one), overwrite or skip")
	perms := fs.String("perms", "original", "original (modes, and owners as root) or current (yours, default modes)")
	deleted := fs.Bool("deleted", false, "include files deleted by then")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErr("usage: cairn restore [--dest NAME] [--at TIME] [--to DIR] [--conflict overwrite|rename|skip] [--perms original|current] [--deleted] PATH...")
	}
	c, ok := restore.ParseConflict(*conflict)
	if !ok {
		return usageErr("--conflict must be overwrite, rename or skip")
	}
	pm, ok := restore.ParsePerms(*perms)
	if !ok {
		return usageErr("--perms must be original or current")
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	opts := restore.Options{View: index.View{At: when, WithDeleted: *deleted}, Conflict: c, Perms: pm}
	if *to != "" {
		if opts.To, err = filepath.Abs(*to); err != nil {
			return err
		}
	}
	for _, p := range pos {
		ap, err := device.ArchivePath(p)
		if err != nil {
			return err
		}
		opts.Paths = append(opts.Paths, ap)
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	pr := newProgressLine(e)
	opts.Progress = func(s restore.Progress) {
		pct := int64(100)
		if s.Bytes > 0 {
			pct = 100 * s.BytesDone / s.Bytes
		}
		pr.draw(fmt.Sprintf("Restoring: %d %% — %d of %d files, %s of %s — %s", pct, s.FilesDone, s.Files,
			size(s.BytesDone), size(s.Bytes), s.Current))
	}
	opts.FileError = func(fe engine.FileError) {
		pr.clear()
		fmt.Fprintf(e.stderr, "cairn: %s\n", fileErrorText(fe))
	}
	res, err := d.Restore(ctx, *dest, opts)
	pr.clear()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %d files (%s), %d folders, %d links in %s.", res.Files, size(res.Bytes), res.Dirs,
		res.Links, res.Took.Round(time.Millisecond))
	if res.AlreadyThere > 0 {
		fmt.Fprintf(e.stdout, " %d were already in place.", res.AlreadyThere)
	}
	if res.Skipped > 0 {
		fmt.Fprintf(e.stdout, " %d were skipped because something was in the way.", res.Skipped)
	}
	fmt.Fprintln(e.stdout)
	for _, a := range res.MovedAside {
		fmt.Fprintf(e.stdout, "Moved aside: %s\n", a)
	}
	if len(res.Errors) > 0 {
		return &codeError{exitPartial, fmt.Errorf("%d files could not be restored (named above)", len(res.Errors))}
	}
	return nil
}
