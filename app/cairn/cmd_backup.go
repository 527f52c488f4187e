package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
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
	res, err := d.Backup(ctx, *dest, device.BackupOptions{
		Progress:   pr.backup,
		PruneAfter: true,
		FileError: func(fe engine.FileError) {
			mu.Lock()
			defer mu.Unlock()
			pr.clear()
			fmt.Fprintf(e.stderr, "cairn: %s: %v\n", fe.Path, fe.Err)
		},
	})
	pr.clear()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up in %s: %d files looked at, %d new, %d changed, %d deleted, %s read, %s stored.\n",
		res.Took.Round(time.Millisecond), res.FilesSeen, res.New, res.Changed, res.Deleted,
		size(res.BytesRead), size(res.BytesStored))
	if len(res.Warnings) > 0 {
		fmt.Fprintf(e.stdout, "%d files kept changing while they were read; they were backed up as they were, and named above.\n", len(res.Warnings))
	}
	if n := len(res.Errors); n > 0 {
		return &codeError{exitPartial, fmt.Errorf("%d files or folders could not be read and are not safe (named above)", n)}
	}
	return nil
}

// progressLine draws one status line on a terminal, and nothing elsewhere.
type progressLine struct {
	e     *env
	on    bool
	drawn bool
}

func newProgressLine(e *env) *progressLine {
	f, ok := e.stderr.(*os.File)
	return &progressLine{e: e, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progressLine) draw(s string) {
	if !p.on {
		return
	}
	if w, _, err := term.GetSize(int(p.e.stderr.(*os.File).Fd())); err == nil && len(s) > w-1 {
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
