// Package watch watches the backup selection in real time and hands the
// backup service batches of changed paths, debounced, so that a saved file is
// backed up within seconds. It is the only importer of fsnotify.
//
// Start adds a watch on every folder under the roots (fsnotify, like inotify,
// is not recursive; symlinks are not followed), skipping excluded folders,
// and returns once they are in place. Batches then delivers sorted, unique
// paths; Status tells how well the selection is covered.
//
// # Per-path debounce
//
// Applications save in several steps (truncate, write, write, chmod, rename)
// and a backup of a half-written file is wasted work. So each path waits until
// it has had no event for Options.Quiet (2s) before it is handed on. Paths are
// debounced one by one, not per folder, so a busy file does not hold back its
// quiet neighbours. Paths that become due close together share a batch: the
// timer fires at most every Quiet/2, so a burst over ten thousand files ends
// in a few large batches, and a path waits at most Quiet/2 past its due time.
// While the consumer is busy, paths that become due join the batch it has not
// taken yet, and events keep being read so the kernel's queue does not
// overflow.
//
// # Why MaxDelay
//
// A file that never goes quiet (a growing log, a database written every few
// hundred milliseconds) would never be handed on by Quiet alone. MaxDelay (2m)
// bounds the wait: a path is handed on at most MaxDelay after its first
// pending event, and its next event starts a new wait.
//
// # Lost events
//
// When events are lost, a Batch{Rescan: true} asks for a scan of the whole
// selection instead: inotify's queue overflowed (fsnotify.ErrEventOverflow, or
// any other error fsnotify reports), or more than Options.MaxPending paths
// were waiting (past that one scan is cheaper than a list naming most of the
// selection). Events keep being collected after it.
//
// # The limit
//
// Each watched folder costs one inotify watch, and Linux allows a fixed number
// per user (fs.inotify.max_user_watches, 8,192 on older systems); on macOS
// kqueue costs an open file per watch. When adding a watch fails that way
// (ENOSPC, EMFILE), or Options.MaxWatches is reached, the watcher keeps what it
// watches, counts the folders it could not watch, and says so in Status
// (Limited, Unwatched, Problem). It never fails: the regular scans cover the
// unwatched folders. They stay unwatched until the watcher is started again.
//
// # Folders that appear, move and go
//
// A new folder (made, or moved in from outside) comes as a Create event; its
// watch and those of every folder below it are added at once. Entries made in
// it before its watch was in place have no event of their own, so the new
// folder's own path is in the batch: the backup reads a new folder whole.
//
// inotify watches follow the inode, not the path: after "mv old new", the
// watches of the folders below old would go on reporting events as
// old/sub/file (fsnotify drops the watch of the moved folder itself, so
// new/file would not be reported at all). So on the Rename of a watched folder
// the watcher removes the watches of it and of everything below it, and when
// the new name is in the selection, the Create event of the new name (which
// always comes after the Rename) adds them again under the new path. A removed
// folder's watches are dropped the same way. A root that is removed or moved
// away is listed in Status.Missing.
//
// A root that is a file (or a symlink) is watched through its parent folder,
// and only that path's events are kept. A root that does not exist (likely an
// unmounted drive) is listed in Status.Missing and does not fail Start.
//
// # Idle costs nothing
//
// A timer is armed only while paths are pending, and stopped when the last
// one is handed on. With nothing pending the watcher's goroutine waits in a
// select and fsnotify's in a blocking read: a watcher over 100,000 files uses
// no CPU until something changes. Watches cost kernel memory (about 1 KB
// each), not time.
//
// # Concurrency
//
// One goroutine owns the watches, the pending paths and the timer. Status is
// safe for concurrent use; Batches is read by one consumer. The channel is
// closed after Close or when Start's context ends; paths still pending then
// are not handed on.
package watch
