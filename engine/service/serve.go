package service

import (
	"context"
	"runtime"
	"time"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/throttle"
	"github.com/cairnbackup/cairn/engine/watch"
)

// maxWait bounds every wait of the loop. Go's timers run on a clock that
// stops while the computer sleeps, and the wall clock can be changed: the
// loop wakes at least this often and compares wall-clock times, so a scan
// due at 03:00 runs soon after a computer that slept through it wakes.
const maxWait = time.Minute

// loop is the state of one Serve.
type loop struct {
	s        *Service
	started  time.Time
	watcher  *watch.Watcher
	watchKey string               // the selection the watcher follows
	changed  map[string]struct{}  // paths a watcher saw change, not yet backed up
	lastScan time.Time            // last complete scan of the whole selection
	retryAt  time.Time            // a pass failed: try again then
	retry    backoff              // failed passes in a row
	queueing bool                 // every failure was a destination offline: passes over changes queue them
	lastPass time.Time            // when the last pass ended
	reached  map[string]time.Time // when each destination last took a whole pass
	now      coverage             // the selection now
	scanned  coverage             // the selection the last complete scan covered
	added    []string             // roots selected since, when that is all that changed (selection.go)
}

// Serve runs until ctx ends. The rules:
//   - at start, and when the person asks (BackupNow), the whole selection is
//     scanned;
//   - a watcher reports saved, created, renamed and deleted files; once a
//     file has been quiet for a moment (Options.Quiet) a pass over just the
//     changed paths backs it up: seconds from save to safe;
//   - the whole selection is scanned daily at Settings.VerifyAt (or soon
//     after, when the computer was asleep), and every Settings.BackupEvery
//     where watching is off or limited by the OS;
//   - a failed pass is retried after a wait that doubles each time, with
//     jitter, up to a ceiling (backoff.go); passes over changes go on
//     meanwhile only when the failure was a destination out of reach
//     (they wait in its queue on this computer);
//   - a server that refuses this computer's sign-in (replaced or signed
//     out) is sent nothing more (the device keeps its refusal); the state
//     says so (State.SignedOut) and the other destinations go on;
//   - a change of the selection starts a scan for what was added, and until
//     it completes the state says so (State.SelectionAdded);
//   - the throttle policy (battery, hours, presence) may make passes wait;
//     the upload limit follows presence. One pass runs at a time.
func (s *Service) Serve(ctx context.Context) error {
	l := &loop{s: s, started: s.now(), changed: map[string]struct{}{}, reached: map[string]time.Time{},
		retry: backoff{base: s.opts.RetryBase, ceiling: s.opts.RetryCeiling, rand: s.opts.Rand}}
	defer l.stopWatch()
	s.fullScan.Store(true)
	al := s.newAlerter()
	defer al.end()
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if l.selectionChanged() && l.added == nil { // said before the watcher, which may take a while on a large folder
			s.fullScan.Store(true) // more than an addition changed: everything is scanned
		}
		l.syncWatch(ctx)
		wait := l.step(ctx)
		al.observe(l)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.wake:
		case <-s.d.ConfigChanged(): // a new selection or settings: follow them now
		case b, ok := <-l.batches():
			l.take(b, ok)
		case <-s.opts.After(max(wait, 100*time.Millisecond)):
		}
	}
}

// step runs a pass when one is due and allowed, and says how long the loop
// may wait before looking again.
func (l *loop) step(ctx context.Context) time.Duration {
	s := l.s
	now := s.now()
	if s.paused() {
		if until := s.State().PausedUntil; !until.IsZero() {
			return min(maxWait, until.Sub(now))
		}
		return maxWait
	}
	c := s.d.Config()
	switch {
	case c.Replace != nil:
		s.publish(func(st *State) { st.Phase, st.Problem = Setup, "finish replacing your old computer first" })
		return maxWait
	case len(c.Destinations) == 0 || len(c.Selection.Include) == 0:
		s.publish(func(st *State) { st.Phase, st.Problem = Setup, "" })
		return maxWait
	}
	set := s.d.Settings()
	nextScan := l.nextScan(set, now)
	waiting := !l.retryAt.IsZero() && now.Before(l.retryAt) && !s.asked() // backing off
	full := (s.fullScan.Load() || !now.Before(nextScan)) && !waiting
	retry := !l.retryAt.IsZero() && !now.Before(l.retryAt)
	adding := len(l.added) > 0 && !waiting
	changes := len(l.changed) > 0 && (!waiting || l.queueing)
	due := full || retry || adding || changes
	dec := s.decide(set, now)
	s.d.SetUploadLimit(dec.UploadBps)
	s.publish(func(st *State) {
		st.NextScan, st.UploadLimit, st.Away = nextScan, dec.UploadBps, dec.Away
		st.NextRun = time.Time{}
		if l.watcher == nil || st.Watching.Limited {
			st.NextRun = nextScan
		}
	})
	if due && !dec.Run && !s.asked() {
		s.publish(func(st *State) { st.Phase, st.Problem, st.Held = Waiting, dec.Reason, dec })
		if !dec.RecheckAt.IsZero() {
			return min(maxWait, dec.RecheckAt.Sub(now))
		}
		return maxWait
	}
	if s.State().Phase == Waiting {
		s.publish(func(st *State) { st.Phase, st.Problem = Idle, "" })
	}
	select {
	case s.passing <- struct{}{}:
		defer func() { <-s.passing }()
	default:
		return maxWait // a command holds the archive (Hold); its release wakes the loop
	}
	workers := throttle.Workers(dec.CPUPercent, runtime.NumCPU())
	scanned := false
	switch {
	case full || retry:
		s.fullScan.Store(false)
		s.askedByPerson.Store(false)
		l.changed = map[string]struct{}{} // the scan covers them
		l.noteWaiting()
		covers := l.now
		if s.run(ctx, l, device.BackupOptions{}, workers) {
			l.lastScan, l.scanned, scanned = s.now(), covers, true
		}
	case adding:
		covers := l.now
		if s.run(ctx, l, device.BackupOptions{Within: l.added}, workers) {
			l.scanned = covers // the rest was scanned before, and the watcher or the scans follow it
			l.selectionChanged()
		}
	case changes:
		paths := make([]string, 0, len(l.changed))
		for p := range l.changed {
			paths = append(paths, p)
		}
		l.changed = map[string]struct{}{}
		l.noteWaiting()
		if !s.run(ctx, l, device.BackupOptions{Changed: paths}, workers) && s.State().Phase == Paused {
			l.requeue(paths) // stopped by the pause: they still wait
		}
	}
	next := l.nextScan(set, s.now())
	if l.retryAt.After(next) {
		next = l.retryAt
	}
	s.publish(func(st *State) { // the scan and the next one together: a reader never sees one without the other
		st.NextScan, st.RetryAt = next, l.retryAt
		if scanned {
			st.LastScan = l.lastScan
		}
		if !st.NextRun.IsZero() {
			st.NextRun = next
		}
	})
	if scanned {
		l.selectionChanged() // what was added is safe now, unless more was added meanwhile
	}
	wait := min(maxWait, next.Sub(s.now()))
	if !l.retryAt.IsZero() {
		wait = min(wait, l.retryAt.Sub(s.now()))
	}
	return wait
}

// nextScan is when the whole selection is next scanned: daily at
// VerifyAt, and every BackupEvery where watching does not cover it all.
func (l *loop) nextScan(set device.Settings, now time.Time) time.Time {
	if l.lastScan.IsZero() {
		return now
	}
	if now.Before(l.lastScan) {
		l.lastScan = now // the clock was set back: count from now, not from a time to come
	}
	next := nextDaily(l.lastScan, set.VerifyAt)
	if l.watcher == nil || l.watcher.Status().Limited {
		next = minTime(next, l.lastScan.Add(set.BackupEvery))
	}
	return next
}

// decide applies the throttle policy to the conditions now.
func (s *Service) decide(set device.Settings, now time.Time) throttle.Decision {
	c := throttle.Conditions{Now: now}
	c.Idle, c.IdleKnown = s.opts.Presence.Idle()
	if b, err := s.opts.Battery(); err == nil {
		c.Battery = b
	}
	return set.Throttle.Decide(c)
}

// asked reports whether the person asked for this pass (BackupNow): it
// runs whatever the battery or the hours say.
func (s *Service) asked() bool { return s.fullScan.Load() && s.askedByPerson.Load() }

// nextDaily is the first time of day hhmm ("03:00", local) after t.
func nextDaily(t time.Time, hhmm string) time.Time {
	at, err := time.Parse("15:04", hhmm)
	if err != nil {
		at, _ = time.Parse("15:04", "03:00")
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), at.Hour(), at.Minute(), 0, 0, t.Location())
	if !d.After(t) {
		d = time.Date(t.Year(), t.Month(), t.Day()+1, at.Hour(), at.Minute(), 0, 0, t.Location())
	}
	return d
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
