package backup

import (
	"context"
	"os"
	"runtime"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"

	"github.com/cairnbackup/cairn/engine/selection"
)

// Options configure a pass.
type Options struct {
	// Roots are the selected folders and files (absolute paths).
	Roots []string
	// Exclude says which paths the user excluded; nil excludes nothing.
	Exclude *selection.Matcher
	// Skip lists paths never to back up whatever the selection says: Cairn's
	// own index and the destination folders (backing an archive up into
	// itself would grow without end).
	Skip []string
	// Adopted is when this computer took over the archive of a computer it
	// replaced (Unix ns; 0: it did not). A path whose last version was
	// recorded before then was backed up by the old computer: when it is
	// missing here it is not recorded deleted, since the person may simply
	// not have brought it over, and it must stay restorable.
	Adopted int64
	// Changed makes a pass over what a watcher saw change rather than over
	// the whole selection: Roots are then the changed paths (each inside
	// the selection). A missing one is recorded deleted, with everything
	// the index knows below it; a folder the index already knows is
	// compared one level deep (its subfolders are not entered: a change
	// inside them is reported as its own path); a new folder is read whole.
	// The periodic scans of the whole selection catch what a watcher misses.
	Changed bool
	// Readers is how many goroutines read and cut files. Default 2: reading
	// is mostly waiting on the disk or page cache, and two keep the workers fed.
	Readers int
	// Workers is how many goroutines hash, compress and seal. Default: one per core.
	Workers int
	// Walkers is how many folders are walked at once (listed, stat'ed and
	// compared with the index). Default: one per core, at least 2; a pass
	// with nothing changed is all walk, and a stat per file is a system
	// call that one goroutine waits on alone. 1 walks one folder at a time.
	Walkers int
	// Blocks and BlockSize bound the memory holding file data in flight.
	// Defaults: 4 blocks of twice the maximal chunk (4 MiB with the default
	// chunker), 16 MiB in all: one per reader, one per worker. With 6, the
	// first backup of the standard corpus took no less time (alternating
	// runs on this machine) and peaked 10 MiB higher, now that blocks live
	// outside the Go heap (blockmem.go) and no longer count against its limit.
	Blocks    int
	BlockSize int
	// CheckpointEvery is how often finished versions are committed. Default
	// 30 s: a pass cut off loses at most that much work.
	CheckpointEvery time.Duration
	// CheckpointVersions commits early when this many versions wait. Default 20,000.
	CheckpointVersions int
	// ReadAttempts is how often a file that changes while it is read is read
	// again before it is recorded as it was, with a warning. Default 3.
	ReadAttempts int
	// Now is the clock (tests inject one). Default: the destination's clock
	// when it keeps one (a server), else time.Now.
	Now func() time.Time
	// Progress is called about every ProgressEvery (default 200 ms) and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// FileError is called for each file or folder that could not be backed
	// up; the pass goes on.
	FileError func(engine.FileError)
	// InUse reads a file another program holds open without sharing
	// (fs.ErrInUse: Outlook's .pst on Windows) another way: from a
	// snapshot of its volume (engine/snapshot). It is asked only for such a
	// file, and Run closes it when the pass ends, so it serves one pass.
	// nil: such a file is reported in use, as on Linux and macOS, where
	// files are not held that way.
	InUse InUseReader

	// afterRead is called (tests only) after each read of a file, before it
	// is checked for changes.
	afterRead func(path string, attempt int)
	// describe (tests only) rewrites what the file system said of an
	// entry: it stands for what Windows or macOS say of their placeholders
	// and reparse points, which do not exist where the tests run.
	describe func(path string, info fs.Info) fs.Info
	// openFile (tests only) stands for fs.OpenFile: it makes a file look
	// held by another program (fs.ErrInUse), which only Windows does.
	openFile func(path string) (*os.File, error)
}

// InUseReader opens files that failed to open as fs.ErrInUse. Open is
// called from several readers at once; Close once, after every file it
// opened is closed. An error of Open other than the context's is reported
// for the file (it should still match fs.ErrInUse).
type InUseReader interface {
	Open(ctx context.Context, path string) (*os.File, error)
	Close() error
}

func (o *Options) applyDefaults(maxChunk int) {
	if o.Readers <= 0 {
		o.Readers = 2
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers()
	}
	if o.Walkers <= 0 {
		o.Walkers = max(2, runtime.NumCPU())
	}
	if o.BlockSize < 2*maxChunk {
		o.BlockSize = 2 * maxChunk
	}
	if o.Blocks <= 0 {
		o.Blocks = 4
	}
	o.Blocks = max(o.Blocks, o.Readers+1)
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 30 * time.Second
	}
	if o.CheckpointVersions <= 0 {
		o.CheckpointVersions = 20000
	}
	if o.ReadAttempts <= 0 {
		o.ReadAttempts = 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 200 * time.Millisecond
	}
}

// Progress is a snapshot of a running pass. Totals grow while the walk goes
// on; Scanning is false once they are final.
type Progress struct {
	Scanning    bool
	FilesSeen   int64 // entries compared with the index
	FilesToRead int64 // new or changed files found so far
	BytesToRead int64
	FilesRead   int64
	BytesRead   int64
	BytesStored int64 // sealed bytes sent to the destination
	Current     string
	Elapsed     time.Duration
}

// Result sums up a pass.
type Result struct {
	FilesSeen     int64
	New           int64 // files recorded for the first time
	Changed       int64
	Unchanged     int64
	Deleted       int64
	Dirs          int64
	BytesRead     int64
	BytesStored   int64
	ChunksStored  int64
	ChunksDeduped int64
	Versions      int64
	Errors        []engine.FileError // could not be read: not safe
	Warnings      []engine.FileError // recorded, but possibly not a consistent copy
	Took          time.Duration
	// Notes are entries left out by design, each saying why (fs.Info's
	// NotBackedUp: a cloud-only file, a Windows junction): not errors.
	Notes []engine.FileError
}
