package device

import (
	"context"
	"errors"
	"fmt"
	"github.com/cairnbackup/cairn/engine/snapshot"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/engine/store"
)

// BackupOptions are the caller's hooks for a pass.
type BackupOptions struct {
	// Destination is called by BackupAll as it starts on each destination.
	Destination func(name string)
	Progress    func(backup.Progress)
	FileError   func(engine.FileError)
	// PruneAfter applies retention after the pass when it is due (once a
	// day by default).
	PruneAfter bool
	// Changed, when not nil, makes the pass cover only these paths, which a
	// watcher saw change (backup.Options.Changed); paths outside the
	// selection are ignored. An empty non-nil list does nothing.
	Changed []string
	// Within, when not nil, makes a scan cover only these selected folders,
	// in full (what lies elsewhere is left as it is): the service scans
	// folders just added to the selection without scanning the rest again.
	// Paths that are not selected roots are ignored.
	Within []string
	// Workers bounds the goroutines that hash, compress and seal (0: one
	// per core); the service lowers it to hold backups to a CPU share.
	Workers int
}

// Backup makes one pass over the selection to a destination ("" = the only one).
func (d *Device) Backup(ctx context.Context, dest string, o BackupOptions) (backup.Result, error) {
	r, dst, err := d.repo(ctx, dest)
	if err != nil {
		return backup.Result{}, err
	}
	if dst.Adding {
		return backup.Result{}, fmt.Errorf("destination %q is still being added", dst.Name)
	}
	c := d.conf()
	if c.Replace != nil {
		return backup.Result{}, ErrReplacing
	}
	roots := c.Selection.Roots()
	if len(roots) == 0 {
		return backup.Result{}, errors.New("nothing is selected: add folders with 'cairn files add PATH'")
	}
	if o.Changed != nil {
		if roots = within(o.Changed, roots); len(roots) == 0 {
			return backup.Result{}, nil
		}
	} else if o.Within != nil {
		if roots = within(o.Within, roots); len(roots) == 0 {
			return backup.Result{}, nil
		}
	}
	m, skip, err := d.exclusions(c)
	if err != nil {
		return backup.Result{}, err
	}
	q, queued := r.Backend().(store.Queue)
	if queued {
		q.Drain(ctx) // what waited from earlier runs goes first; offline is fine
	}
	started := time.Now()
	bo := backup.Options{Roots: roots, Exclude: m, Skip: skip, Progress: o.Progress, FileError: o.FileError,
		Adopted: dst.Adopted, Changed: o.Changed != nil, Workers: o.Workers}
	if in := snapshot.New(); in != nil {
		bo.InUse = in // Windows: files held open are read from a shadow copy (cairn-vss); Run closes it
	}
	if _, serverClock := r.Backend().(store.Clock); d.now != nil && !serverClock {
		bo.Now = d.now
	}
	res, err := backup.Run(ctx, r, bo)
	if err == nil {
		// Best effort: a computer replacing this one reads it; the next
		// pass tries again.
		d.saveProfile(ctx, r, dst)
	}
	if queued && err == nil {
		if derr := q.Drain(ctx); derr != nil && !errors.Is(derr, store.ErrOffline) {
			err = derr
		}
	}
	lb := LastBackup{Started: started, Finished: time.Now(), Took: res.Took, Files: res.FilesSeen,
		Changed: res.New + res.Changed + res.Deleted, Errors: len(res.Errors)}
	if err != nil {
		lb.Failed = err.Error()
		d.noteRefusal(dst.Name, err)
	}
	// A pass over changes that found nothing to record (the files a
	// watcher saw were excluded, or saved unchanged) leaves the last
	// backup's record alone: it would hide what the last real pass did.
	if err != nil || o.Changed == nil || lb.Changed > 0 {
		d.setMeta(r, "lastbackup", lb)
	}
	if err == nil && o.PruneAfter {
		d.pruneIfDue(ctx, r, dest)
	}
	return res, err
}

// pruneIfDue prunes after a backup when the last prune is older than the
// configured interval, with a time budget so the next backup is not delayed.
func (d *Device) pruneIfDue(ctx context.Context, r *repo.Repo, dest string) {
	var last time.Time
	d.getMeta(r.Dest(), "lastprune", &last)
	if time.Since(last) < time.Duration(d.conf().PruneEvery) {
		return
	}
	if last.IsZero() {
		// A new archive has nothing to prune yet: start the clock.
		d.setMeta(r, "lastprune", time.Now())
		return
	}
	d.Prune(ctx, dest, time.Minute)
}

// DestinationResult is what a backup did at one destination.
type DestinationResult struct {
	Name    string
	Result  backup.Result
	Err     error
	Pending int   // objects waiting for the destination to be reachable
	Queued  int64 // their bytes
}

// BackupAll backs up to every destination in turn. One that is down or
// full does not stop the others; each result says what happened there.
func (d *Device) BackupAll(ctx context.Context, o BackupOptions) []DestinationResult {
	var out []DestinationResult
	for _, dst := range d.conf().Destinations {
		if ctx.Err() != nil {
			break
		}
		if dst.Adding {
			continue // not ready yet (attach)
		}
		dr := DestinationResult{Name: dst.Name}
		if o.Destination != nil {
			o.Destination(dst.Name)
		}
		dr.Result, dr.Err = d.Backup(ctx, dst.Name, o)
		dr.Pending, dr.Queued = d.Pending(ctx, dst.Name)
		out = append(out, dr)
	}
	return out
}

// Pending says what waits in a destination's offline queue. Cheap: unlike
// Status, it reads nothing of the index.
func (d *Device) Pending(ctx context.Context, dest string) (int, int64) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return 0, 0
	}
	if q, ok := r.Backend().(store.Queue); ok {
		return q.Pending()
	}
	return 0, 0
}

// within returns the paths that lie in one of the selected roots (or are
// one), in archive form.
func within(paths, roots []string) []string {
	var out []string
	for _, p := range paths {
		p = toSlash(p)
		for _, r := range roots {
			if p == r || strings.HasPrefix(p, strings.TrimSuffix(r, "/")+"/") {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// exclusions are what a pass leaves out: the person's and the OS's
// patterns, and paths never backed up (Cairn's own folder, folder
// destinations: an archive backed up into itself would grow without end).
func (d *Device) exclusions(c *config.Config) (*selection.Matcher, []string, error) {
	m, err := c.Selection.Matcher(d.goos, toSlash(d.userDir))
	if err != nil {
		return nil, nil, err
	}
	skip := []string{toSlash(d.home)}
	for _, x := range c.Destinations {
		if x.Type == "folder" {
			skip = append(skip, toSlash(x.Path))
		}
	}
	return m, skip, nil
}
