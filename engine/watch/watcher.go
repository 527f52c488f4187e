package watch

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher watches the selection and hands on batches of changed paths. Its
// one goroutine owns the watches, the pending paths and the timer; Status is
// the only state shared with callers, behind a mutex.
type Watcher struct {
	o    Options
	fs   *fsnotify.Watcher
	tree *tree
	pend *pending
	box  outbox

	timer  *time.Timer
	timerC <-chan time.Time // nil while nothing is pending: then no timer runs
	lost   chan struct{}    // fsnotify reported an error; buffered 1, never blocks fsnotify
	out    chan Batch

	cancel   context.CancelFunc
	done     chan struct{} // closed when the goroutine has stopped
	closeErr error         // fsnotify's Close; read after done

	mu      sync.Mutex // guards the fields below
	st      Status
	npend   int
	running bool // a timer is armed
}

// Start watches every folder of the selection (not following symlinks) and
// returns once the watches are in place. It fails only when the system
// refuses a watcher at all, a root is not absolute, or ctx ends; folders that
// cannot be watched are reported by Status. The watcher stops when ctx ends or
// Close is called.
func Start(ctx context.Context, o Options) (*Watcher, error) {
	if err := o.applyDefaults(); err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewBufferedWatcher(eventBuffer)
	if err != nil {
		return nil, fmt.Errorf("start watching: %w", err)
	}
	w := &Watcher{
		o: o, fs: fsw, tree: newTree(fsw, o), pend: newPending(o.Quiet, o.MaxDelay),
		lost: make(chan struct{}, 1), out: make(chan Batch), done: make(chan struct{}),
	}
	go w.drainErrors()
	if err := w.tree.addRoots(ctx, o.Roots); err != nil {
		_ = fsw.Close()
		return nil, fmt.Errorf("start watching: %w", err)
	}
	w.publish()
	ctx, w.cancel = context.WithCancel(ctx)
	go w.run(ctx)
	return w, nil
}

// Batches returns the channel of batches. It is closed after Close or when
// the context given to Start ends. Paths still pending then are not handed
// on: a backup service starting again scans anyway.
func (w *Watcher) Batches() <-chan Batch { return w.out }

// Status tells how well the selection is covered. It is safe for concurrent
// use.
func (w *Watcher) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.st
	st.Missing = slices.Clone(st.Missing)
	return st
}

// Close stops the watcher, closes Batches and releases the watches. It may be
// called more than once.
func (w *Watcher) Close() error {
	w.cancel()
	<-w.done
	if w.closeErr != nil {
		return fmt.Errorf("stop watching: %w", w.closeErr)
	}
	return nil
}

// drainErrors turns fsnotify's errors into a rescan. It runs on its own so
// that fsnotify never blocks on an error while holding its lock (it sends
// some errors that way), which would deadlock our Add and Remove calls.
func (w *Watcher) drainErrors() {
	for range w.fs.Errors {
		select {
		case w.lost <- struct{}{}:
		default: // a rescan is already on its way
		}
	}
}

// run is the watcher's goroutine. It blocks in select when idle: with no path
// pending no timer is armed, so an idle watcher costs no CPU however many
// folders it watches.
func (w *Watcher) run(ctx context.Context) {
	defer w.stop()
	for {
		var out chan<- Batch
		var b Batch
		if w.box.ready() {
			out, b = w.out, w.box.batch()
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.handle(ctx, ev)
		case <-w.lost:
			w.rescan()
		case <-w.timerC:
			w.fire()
		case out <- b:
			w.box.sent()
		}
		w.publish()
	}
}

func (w *Watcher) stop() {
	w.disarm()
	w.closeErr = w.fs.Close()
	close(w.out)
	close(w.done)
}

// publish makes the state visible to Status.
func (w *Watcher) publish() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tree.changed {
		w.st, w.tree.changed = w.tree.status(), false
	}
	w.npend, w.running = w.pend.len(), w.timerC != nil
}

// idle reports, for tests, how many paths are pending and whether a timer
// is armed.
func (w *Watcher) idle() (pending int, timerArmed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.npend, w.running
}

// handle follows one event: it keeps the watches in step with the folders
// (new ones watched, removed or renamed ones dropped) and notes the path.
func (w *Watcher) handle(ctx context.Context, ev fsnotify.Event) {
	p := ev.Name
	isDir := w.tree.isFolder(p)
	if isDir && ev.Op&^fsnotify.Write == 0 {
		return // kqueue and Windows: a child changed, and has its own event
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A renamed folder's watches follow it to its new place but keep
		// its old path: drop them. The new path comes as a Create.
		w.tree.forget(p)
	}
	if ev.Has(fsnotify.Create) {
		isDir = w.created(ctx, p)
	}
	if w.pend.has(p) || w.tree.wanted(p, isDir) {
		w.note(p)
	}
}

// created watches p and the folders below it when p is a new folder of the
// selection (made, or moved in); it reports whether p is a folder. Entries
// made in it before its watch was added have no event: the new folder's own
// path, noted by handle, tells the backup to read it whole.
func (w *Watcher) created(ctx context.Context, p string) bool {
	fi, err := os.Lstat(p)
	if err != nil || !fi.IsDir() {
		return false
	}
	if w.tree.wanted(p, true) {
		// Only ctx ending stops addTree, and then run stops too.
		_ = w.tree.addTree(ctx, p)
	}
	return true
}

// note makes p pending, and arms the timer when it was not.
func (w *Watcher) note(p string) {
	now := w.o.Now()
	if !w.pend.touch(p, now) {
		return
	}
	if w.pend.len()+w.box.len() > w.o.MaxPending {
		w.rescan()
		return
	}
	if w.timerC == nil {
		w.arm(now.Add(min(w.o.Quiet, w.o.MaxDelay)), now)
	}
}

// fire hands on the paths that are due and arms the timer for the rest.
func (w *Watcher) fire() {
	w.timerC = nil
	now := w.o.Now()
	paths, next := w.pend.due(now)
	w.box.add(paths)
	if w.box.len() > w.o.MaxPending {
		w.rescan()
		return
	}
	if !next.IsZero() {
		w.arm(w.pend.nextFire(now, next), now)
	}
}

// rescan drops what is pending in favour of a scan of the whole selection.
func (w *Watcher) rescan() {
	w.pend.clear()
	w.box.setRescan()
	w.disarm()
}

func (w *Watcher) arm(at, now time.Time) {
	d := at.Sub(now)
	if w.timer == nil {
		w.timer = time.NewTimer(d)
	} else {
		w.timer.Reset(d)
	}
	w.timerC = w.timer.C
}

func (w *Watcher) disarm() {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.timerC = nil
}
