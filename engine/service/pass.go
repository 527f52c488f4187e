package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store"
)

// quietPass is how long a pass over a few changed paths may run before the
// state says "backing up": a save backed up in a blink should not make the
// tray icon flicker.
const quietPass = 2 * time.Second

// run makes one pass to every destination (over the changed paths, over the
// folders Within, or the whole selection when scope sets neither) and
// publishes what came of it. It reports whether every destination
// completed.
func (s *Service) run(ctx context.Context, l *loop, scope device.BackupOptions, workers int) bool {
	changed := scope.Changed
	pctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
		cancel()
	}()
	start := s.now()
	shown := changed == nil
	if shown {
		s.publish(func(st *State) { st.Phase, st.Problem, st.Progress = BackingUp, "", backup.Progress{} })
	}
	var unreadable []engine.FileError
	var mu sync.Mutex
	results := s.d.BackupAll(pctx, device.BackupOptions{
		PruneAfter: true,
		Changed:    changed,
		Within:     scope.Within,
		Workers:    workers,
		Destination: func(name string) {
			if shown {
				s.publish(func(st *State) { st.Destination, st.Progress = name, backup.Progress{} })
			}
		},
		Progress: func(p backup.Progress) {
			if !shown && s.now().Sub(start) < quietPass {
				return
			}
			shown = true
			s.publish(func(st *State) { st.Phase, st.Progress = BackingUp, p })
		},
		FileError: func(fe engine.FileError) {
			mu.Lock()
			if len(unreadable) < engine.MaxReported {
				unreadable = append(unreadable, fe)
			}
			mu.Unlock()
		},
	})
	if s.State().Phase == Paused {
		return false // paused while running: the pass was stopped on purpose
	}
	ok := l.settle(results)
	if changed != nil {
		// A pass over changed paths says nothing new about files that
		// could not be read elsewhere: keep what the last scan found.
		unreadable = mergeUnreadable(unreadable, s.State().Unreadable)
	}
	notes := notesOf(results)
	if changed != nil {
		notes = mergeUnreadable(notes, s.State().NotBackedUp)
	}
	s.log(changed, results, s.now().Sub(start))
	s.publish(func(st *State) {
		st.Destination, st.NotBackedUp = "", notes
		s.conclude(st, results, unreadable, changed == nil)
	})
	return ok
}

// settle notes what a pass's results mean for the loop: which destinations
// were reached, and when to retry after a failure. A destination that
// refuses this computer's sign-in is not retried at all (the device sends
// it nothing more), so it counts neither as a failure nor as reached. It
// reports whether the pass had no failure.
func (l *loop) settle(results []device.DestinationResult) bool {
	now := l.s.now()
	l.lastPass = now
	ok, queueing := true, true
	for _, r := range results {
		if _, out := device.SignedOut(r.Err); out {
			continue
		}
		if r.Err == nil && r.Pending == 0 {
			l.reached[r.Name] = now
			continue
		}
		ok = false
		if r.Err != nil && !errors.Is(r.Err, store.ErrOffline) {
			queueing = false
		}
	}
	if ok {
		l.retry.succeeded()
		l.retryAt, l.queueing = time.Time{}, false
	} else {
		l.retryAt, l.queueing = l.retry.failed(now), queueing
	}
	return ok
}

// conclude turns a pass's results into the state people see.
func (s *Service) conclude(st *State, results []device.DestinationResult, unreadable []engine.FileError, full bool) {
	st.Unreadable, st.Pending, st.Problem, st.SignedOut = unreadable, 0, "", nil
	st.Passes++
	offline, failed := 0, 0
	for _, r := range results {
		st.Pending += r.Queued
		so, out := device.SignedOut(r.Err)
		switch {
		case out:
			st.SignedOut = append(st.SignedOut, SignedOut{Destination: r.Name, Replaced: so.Replaced,
				ReplacedBy: so.ReplacedBy, At: so.At})
			st.Problem = r.Name + ": " + r.Err.Error()
		case r.Err != nil && errors.Is(r.Err, store.ErrOffline):
			offline++
			st.Problem = r.Name + ": " + r.Err.Error()
		case r.Err != nil:
			failed++
			st.Problem = r.Name + ": " + r.Err.Error()
		case r.Pending > 0:
			offline++
		}
	}
	// A pass over changes says nothing of folders added to the selection
	// and not scanned yet: they are not safe.
	safe := full || !st.SelectionAdded
	switch {
	case failed > 0 || len(st.SignedOut) > 0:
		st.Phase = Attention
	case offline > 0:
		st.Phase = Offline
		if st.Problem == "" {
			st.Problem = "a destination cannot be reached; changes wait on this computer"
		}
	case len(unreadable) > 0:
		st.Phase = Attention
		if safe {
			st.LastSafe = s.now()
		}
	default:
		st.Phase = Idle
		if safe {
			st.LastSafe = s.now()
		}
	}
}

// log writes one line per pass.
func (s *Service) log(changed []string, results []device.DestinationResult, took time.Duration) {
	if s.opts.Log == nil {
		return
	}
	kind := "scan"
	if changed != nil {
		kind = "changes"
	}
	for _, r := range results {
		args := []any{"pass", kind, "destination", r.Name, "took", took.Round(time.Millisecond),
			"new", r.Result.New, "changed", r.Result.Changed, "deleted", r.Result.Deleted}
		switch {
		case r.Err != nil:
			s.opts.Log.Warn("backup did not complete", append(args, "error", r.Err.Error())...)
		case r.Pending > 0:
			s.opts.Log.Info("backup waits to be sent", append(args, "pending", r.Pending)...)
		default:
			s.opts.Log.Info("backup done", args...)
		}
	}
}

// mergeUnreadable adds to a pass's unreadable files those known before,
// each path once, at most engine.MaxReported.
func mergeUnreadable(now, before []engine.FileError) []engine.FileError {
	seen := make(map[string]bool, len(now))
	for _, fe := range now {
		seen[fe.Path] = true
	}
	for _, fe := range before {
		if len(now) >= engine.MaxReported {
			break
		}
		if !seen[fe.Path] {
			seen[fe.Path] = true
			now = append(now, fe)
		}
	}
	return now
}

// notesOf gathers what a pass left out by design (backup.Result.Notes) at
// every destination, each path once: every destination sees the same
// files, so their notes repeat. At most engine.MaxReported.
func notesOf(results []device.DestinationResult) []engine.FileError {
	var notes []engine.FileError
	for _, r := range results {
		notes = mergeUnreadable(notes, r.Result.Notes)
	}
	return notes
}
