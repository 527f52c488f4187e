package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags("backup", e)
	dest := fs.String("dest", "", "destination name (default: the only one)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("cairn backup takes no paths: it backs up the selection ('cairn files list')")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	pr := newProgressLine(e)
	var mu sync.Mutex
	opts := device.BackupOptions{
		Progress:   pr.backup,
		PruneAfter: true,
		FileError: func(fe engine.FileError) {
			mu.Lock()
			defer mu.Unlock()
			pr.clear()
			fmt.Fprintf(e.stderr, "cairn: %s\n", fileErrorText(fe))
		},
	}
	var results []device.DestinationResult
	if *dest != "" || len(d.Config().Destinations) <= 1 {
		res, err := d.Backup(ctx, *dest, opts)
		pr.clear()
		if err != nil && len(d.Config().Destinations) == 0 {
			return err
		}
		name := *dest
		if name == "" && len(d.Config().Destinations) == 1 {
			name = d.Config().Destinations[0].Name
		}
		dr := device.DestinationResult{Name: name, Result: res, Err: err}
		dr.Pending, dr.Queued = d.Pending(ctx, name)
		results = append(results, dr)
	} else {
		results = d.BackupAll(ctx, opts)
		pr.clear()
	}
	return reportBackups(e, results, len(results) > 1)
}

// reportBackups prints what happened at each destination and decides the
// exit code: 1 when a destination could not be backed up (or has changes
// still queued), else 3 when files could not be read, else 0.
func reportBackups(e *env, results []device.DestinationResult, named bool) error {
	failed, unread := 0, 0
	noted := map[string]bool{} // every destination notes the same files: say each once
	for _, dr := range results {
		prefix := ""
		if named {
			prefix = printable.Name(dr.Name) + ": "
		}
		res := dr.Result
		if dr.Err != nil {
			failed++
			msg := explain(dr.Err)
			if errors.Is(dr.Err, store.ErrOffline) && dr.Pending > 0 {
				msg = fmt.Sprintf("the destination cannot be reached: %d changes (%s) wait on this computer and will be sent when it is back", dr.Pending, size(dr.Queued))
			}
			if errors.Is(dr.Err, remote.ErrQueueFull) {
				msg = "the destination cannot be reached and the queue of changes waiting for it is full: the newest state of your files will be sent when it is back"
			}
			fmt.Fprintf(e.stderr, "cairn: %s%s\n", prefix, msg)
			continue
		}
		fmt.Fprintf(e.stdout, "%sBacked up in %s: %d files looked at, %d new, %d changed, %d deleted, %s read, %s stored.\n",
			prefix, res.Took.Round(time.Millisecond), res.FilesSeen, res.New, res.Changed, res.Deleted,
			size(res.BytesRead), size(res.BytesStored))
		if len(res.Warnings) > 0 {
			fmt.Fprintf(e.stdout, "%s%d files kept changing while they were read; they were backed up as they were, and named above.\n", prefix, len(res.Warnings))
		}
		printNotes(e, res.Notes, noted)
		if dr.Pending > 0 {
			failed++
			fmt.Fprintf(e.stderr, "cairn: %sthe server could not be reached: %d changes (%s) wait on this computer and will be sent when it is back\n",
				prefix, dr.Pending, size(dr.Queued))
		}
		unread = max(unread, len(res.Errors))
	}
	switch {
	case failed > 0:
		return &codeError{exitError, fmt.Errorf("%d of %d destinations are not up to date", failed, len(results))}
	case unread > 0:
		return &codeError{exitPartial, fmt.Errorf("%d files or folders could not be read and are not safe (named above)", unread)}
	}
	return nil
}

// printNotes says what a pass left out by design (cloud-only files,
// Windows junctions), each path once across destinations. They are not
// problems: the exit code does not change.
func printNotes(e *env, notes []engine.FileError, noted map[string]bool) {
	var fresh []engine.FileError
	for _, n := range notes {
		if !noted[n.Path] {
			noted[n.Path] = true
			fresh = append(fresh, n)
		}
	}
	if len(fresh) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "Not backed up, on purpose (%d):\n", len(fresh))
	for _, n := range fresh {
		fmt.Fprintf(e.stdout, "  %s\n", fileErrorText(n))
	}
}

// progressLine draws one status line on a terminal, and nothing elsewhere.
type progressLine struct {
	e     *env
	on    bool
	drawn bool
}

func newProgressLine(e *env) *progressLine {
	return &progressLine{e: e, on: e.stderrTerminal()}
}

func (p *progressLine) draw(s string) {
	if !p.on {
		return
	}
	if w := p.e.termWidth(); w > 0 && len(s) > w-1 {
		s = s[:max(0, w-1)]
	}
	fmt.Fprintf(p.e.stderr, "\r\x1b[K%s", s)
	p.drawn = true
}

func (p *progressLine) clear() {
	if p.drawn {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *progressLine) backup(s backup.Progress) {
	pct := ""
	if s.BytesToRead > 0 && !s.Scanning {
		pct = fmt.Sprintf("%d %% ", 100*s.BytesRead/max(s.BytesToRead, 1))
	}
	scan := ""
	if s.Scanning {
		scan = " (still looking)"
	}
	p.draw(fmt.Sprintf("Backing up: %s%d of %d files, %s of %s%s — %s", pct, s.FilesRead, s.FilesToRead,
		size(s.BytesRead), size(s.BytesToRead), scan, s.Current))
}

// size formats a byte count for people.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
