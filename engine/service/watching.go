package service

import (
	"context"

	"github.com/cairnbackup/cairn/engine/watch"
)

// syncWatch keeps a watcher on the current selection: started when there
// is something to watch, restarted when the selection or the exclusions
// change, stopped when watching is off.
func (l *loop) syncWatch(ctx context.Context) {
	s := l.s
	c := s.d.Config()
	if s.opts.NoWatch || c.Replace != nil || len(c.Destinations) == 0 {
		l.stopWatch()
		return
	}
	plan, err := s.d.WatchPlan()
	if err != nil || len(plan.Roots) == 0 {
		l.stopWatch()
		return
	}
	if l.watcher != nil && plan.Key == l.watchKey {
		s.publish(func(st *State) { st.Watching = l.watcher.Status() })
		return
	}
	l.stopWatch()
	w, err := watch.Start(ctx, watch.Options{Roots: plan.Roots, Skip: plan.Skip,
		Quiet: s.opts.Quiet, MaxDelay: s.opts.MaxDelay, MaxWatches: s.opts.MaxWatches})
	if err != nil {
		s.publish(func(st *State) {
			st.Watching = watch.Status{Problem: "Cairn cannot watch your files for changes (" + err.Error() + "); it scans them regularly instead."}
		})
		return
	}
	l.watcher, l.watchKey = w, plan.Key
	s.publish(func(st *State) { st.Watching = w.Status() })
}

func (l *loop) stopWatch() {
	if l.watcher == nil {
		return
	}
	l.watcher.Close()
	l.watcher, l.watchKey = nil, ""
	l.s.publish(func(st *State) { st.Watching = watch.Status{} })
}

// batches is the watcher's channel, or nil (which blocks) when none runs.
func (l *loop) batches() <-chan watch.Batch {
	if l.watcher == nil {
		return nil
	}
	return l.watcher.Batches()
}

// take adds what a watcher saw to the changes waiting for a pass.
func (l *loop) take(b watch.Batch, ok bool) {
	if !ok { // the watcher stopped: start another on the next turn
		l.stopWatch()
		l.s.fullScan.Store(true)
		return
	}
	if b.Rescan {
		l.s.fullScan.Store(true)
	}
	for _, p := range b.Paths {
		l.changed[p] = struct{}{}
	}
	l.noteWaiting()
}

// requeue puts changes back to wait for the next pass.
func (l *loop) requeue(paths []string) {
	for _, p := range paths {
		l.changed[p] = struct{}{}
	}
	l.noteWaiting()
}

// noteWaiting publishes how many changes wait for a pass, when that
// changed.
func (l *loop) noteWaiting() {
	if n := len(l.changed); l.s.State().ChangesWaiting != n {
		l.s.publish(func(st *State) { st.ChangesWaiting = n })
	}
}
