package watch

import (
	"fmt"
	"path/filepath"
	"time"
)

// Options says what to watch and how to debounce it. The zero value of every
// field but Roots is usable: applyDefaults fills it in.
type Options struct {
	// Roots are the absolute paths of the selected folders or files, in the
	// operating system's form. A folder brings every folder below it (symlinks
	// are not followed below a root). A file is watched through its parent
	// folder, and only that file's events are kept. A root that does not exist
	// (an unmounted drive, a deleted folder) is recorded in Status and does not
	// fail Start.
	Roots []string

	// Skip reports the excluded paths: an excluded folder is never watched, and
	// the events of an excluded path are dropped. Nil excludes nothing. It is
	// called from the watcher's goroutine, once per path that is not already
	// pending, so it should be cheap (selection.Matcher is).
	Skip func(path string, isDir bool) bool

	// Quiet is how long a path must go without an event before it is handed
	// on. Default 2s: an application saving a file writes it in several steps
	// (truncate, writes, chmod, an atomic rename) within well under a second,
	// and two seconds is still "backed up within seconds" for a person.
	Quiet time.Duration

	// MaxDelay bounds how long a path that never goes quiet (a growing log, a
	// database written every few hundred milliseconds) waits: it is handed on
	// at least this often. Default 2m: long enough that a busy file is not
	// read over and over (each read costs a backup of its changed chunks),
	// short enough that at most a couple of minutes of its changes are at risk.
	MaxDelay time.Duration

	// MaxPending bounds the distinct paths waiting to be handed on (and those
	// handed on that the consumer has not taken yet). Beyond it they are
	// dropped and a Batch{Rescan: true} is sent instead. Default 100,000:
	// about 10 MB of paths; past that, one scan of the selection is cheaper
	// than a batch naming most of it.
	MaxPending int

	// MaxWatches, when above 0, makes the watcher behave as if the operating
	// system allowed only this many watches, for tests of the limit path. 0
	// leaves only the operating system's own limit.
	MaxWatches int

	// Descriptors, when above 0, is the number of open files watches may
	// hold, as on a kqueue system (macOS), where each watched folder and
	// each file in it holds one; for tests of the budget. 0: on kqueue
	// systems what RLIMIT_NOFILE leaves after a reserve for reads, the
	// index and connections (budget.go); elsewhere none is counted.
	Descriptors int

	// Now is the clock used for debouncing (tests); default time.Now.
	Now func() time.Time
}

// Defaults for Options; see the fields for why each is what it is.
const (
	DefaultQuiet      = 2 * time.Second
	DefaultMaxDelay   = 2 * time.Minute
	DefaultMaxPending = 100_000
)

// eventBuffer is how many events fsnotify may hold for us while the
// watcher's goroutine is busy (adding the watches of a large folder moved
// in). The kernel's own queue (fs.inotify.max_queued_events, 16,384 by
// default) comes on top of it.
const eventBuffer = 4096

func (o *Options) applyDefaults() error {
	if o.Quiet <= 0 {
		o.Quiet = DefaultQuiet
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MaxPending <= 0 {
		o.MaxPending = DefaultMaxPending
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Skip == nil {
		o.Skip = func(string, bool) bool { return false }
	}
	roots := make([]string, 0, len(o.Roots))
	for _, r := range o.Roots {
		if !filepath.IsAbs(r) {
			return fmt.Errorf("watch %q: not an absolute path", r)
		}
		roots = append(roots, filepath.Clean(r))
	}
	o.Roots = roots
	return nil
}

// Batch is a set of changed paths handed on together.
type Batch struct {
	// Paths are sorted, unique and absolute: entries created, written,
	// removed, renamed (both the old and the new name) or chmod-ed. A path
	// may no longer exist (it was removed, or renamed away). A folder in
	// Paths was created or moved in, or its attributes changed: entries
	// inside a new folder may have no event of their own, so the backup
	// reads a new folder whole.
	Paths []string
	// Rescan says events were lost (the kernel's queue overflowed, more than
	// MaxPending paths were waiting, the watcher reported an error): the
	// whole selection must be scanned. Paths is then empty.
	Rescan bool
}

// Status tells how well the selection is covered by watches.
type Status struct {
	// Folders is the number of folders being watched.
	Folders int
	// Limited says the operating system's limit on watches was reached
	// (inotify's fs.inotify.max_user_watches on Linux).
	Limited bool
	// Limit is the number of watches the system allows, when known (0 when
	// not).
	Limit int
	// Unwatched is the number of folders that could not be watched; their
	// changes are found by the regular scans only.
	Unwatched int
	// Missing lists the roots that are not there (likely an unmounted drive)
	// or went away while watched.
	Missing []string
	// Problem says, in plain words for a person, what is not covered ("" when
	// all is): e.g. "This computer allows watching only 8,192 folders
	// (fs.inotify.max_user_watches); 1,204 more are covered by the regular
	// scans."
	Problem string
}
