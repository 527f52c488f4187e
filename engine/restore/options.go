package restore

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// Conflict says what to do when a restored file's place is taken.
type Conflict int

// Conflict policies.
const (
	// Rename moves the existing file aside under a name that says so
	// ("report (before restore 2026-11-25 1402).txt") and restores in its
	// place: CrashPlan's "rename existing and restore a copy". The default.
	Rename Conflict = iota
	// Overwrite replaces the existing file atomically. A folder in the way
	// is never deleted: it is moved aside as with Rename.
	Overwrite
	// Skip leaves the existing file as it is.
	Skip
)

// ParseConflict parses "rename", "overwrite" or "skip".
func ParseConflict(s string) (Conflict, bool) {
	switch s {
	case "rename", "":
		return Rename, true
	case "overwrite":
		return Overwrite, true
	case "skip":
		return Skip, true
	}
	return 0, false
}

// Perms says which permissions restored files get.
type Perms int

// Permission policies.
const (
	// Original restores mode bits, and the owner when running as root.
	Original Perms = iota
	// Current gives files to the current user with default modes (0666 and
	// 0777 less the umask).
	Current
)

// ParsePerms parses "original" or "current".
func ParsePerms(s string) (Perms, bool) {
	switch s {
	case "original", "":
		return Original, true
	case "current":
		return Current, true
	}
	return 0, false
}

// Options configure a restore.
type Options struct {
	// Paths are the archive paths to restore (absolute).
	Paths []string
	// View says as of when, and whether deleted files are included.
	View index.View
	// To is the folder to restore into: PATH goes to To/<base name of PATH>.
	// Empty restores to the original places.
	To string
	// Rebase, with To empty, restores paths under Rebase.From to the same
	// place under Rebase.To: an old computer's home folder into this one's
	// (the replace-device wizard, across user names and systems).
	Rebase Rebase
	// Skip, when set, is asked about every archive path and leaves out
	// those it returns true for; to leave out a folder, it must return true
	// for what is inside too. The replace-device wizard uses it so that the
	// old computer's Cairn files (configuration, autostart entry) never
	// land on the running Cairn's.
	Skip     func(archivePath string) bool
	Conflict Conflict
	Perms    Perms
	// Workers read packs and write files in parallel. Default: one per core
	// (at least 2); measured on 2 cores, a third worker only added
	// contention in the kernel's write path.
	Workers int
	// Now is the clock, used to name files moved aside. Default time.Now.
	Now func() time.Time
	// Progress is called about every 200 ms and at the end.
	Progress func(Progress)
	// FileError is called for each file that could not be restored.
	FileError func(engine.FileError)
}

func (o *Options) applyDefaults() {
	if o.Workers <= 0 {
		o.Workers = workersFromEnv(max(2, runtime.GOMAXPROCS(0)))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Progress is a snapshot of a running restore.
type Progress struct {
	Files, FilesDone int64
	Bytes, BytesDone int64
	Current          string
	Elapsed          time.Duration
}

// Result sums up a restore.
type Result struct {
	Files, Dirs, Links, Specials int64
	Bytes                        int64
	AlreadyThere                 int64 // identical files found in place (a restore run again)
	Skipped                      int64 // left alone because of Skip
	MovedAside                   []string
	Errors                       []engine.FileError // by archive path
	Took                         time.Duration
}

func workersFromEnv(d int) int {
	if v, err := strconv.Atoi(os.Getenv("CAIRN_RESTORE_WORKERS")); err == nil && v > 0 {
		return v
	}
	return d
}

// Rebase moves a subtree of original places elsewhere.
type Rebase struct{ From, To string }

// apply returns where original path p goes.
func (r Rebase) apply(p string) string {
	if r.From == "" || r.To == "" {
		return p
	}
	if p == r.From {
		return r.To
	}
	if strings.HasPrefix(p, strings.TrimSuffix(r.From, "/")+"/") {
		return strings.TrimSuffix(r.To, "/") + p[len(strings.TrimSuffix(r.From, "/")):]
	}
	return p
}
