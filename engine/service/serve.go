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
	retryAt  time.Time            // a destination was offline: try again then
	lastPass time.Time            // when the last pass ended
	reached  map[string]time.Time // when each destination last took a whole pass
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
//   - while a destination cannot be reached, passes retry every BackupEvery;
//   - the throttle policy (battery, hours, presence) may make passes wait;
//     the upload limit follows presence. One pass runs at a time.
func (s *Service) Serve(ctx context.Context) error {
	l := &loop{s: s, started: s.now(), changed: map[string]struct{}{}, reached: map[string]time.Time{}}
	defer l.stopWatch()
	s.fullScan.Store(true)
	al := s.newAlerter()
	defer al.end()
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.syncWatch(ctx)
		wait := l.step(ctx)
		al.observe(l)
		timer := time.NewTimer(max(wait, 100*time.Millisecond))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-s.wake:
		case <-s.d.ConfigChanged(): // a new selection or settings: follow them now
		case b, ok := <-l.batches():
			l.take(b, ok)
		case <-timer.C:
		}
		timer.Stop()
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
	full := s.fullScan.Load() || !now.Before(nextScan)
	retry := !l.retryAt.IsZero() && !now.Before(l.retryAt)
	due := full || retry || len(l.changed) > 0
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
	switch {
	case full || retry:
		s.fullScan.Store(false)
		s.askedByPerson.Store(false)
		l.changed = map[string]struct{}{} // the scan covers them
		if s.run(ctx, l, nil, workers) {
			l.lastScan = s.now()
			s.publish(func(st *State) { st.LastScan = l.lastScan })
		}
	case len(l.changed) > 0:
		paths := make([]string, 0, len(l.changed))
		for p := range l.changed {
			paths = append(paths, p)
		}
		l.changed = map[string]struct{}{}
		s.run(ctx, l, paths, workers)
	}
	next := l.nextScan(set, s.now())
	s.publish(func(st *State) {
		st.NextScan = next
		if !st.NextRun.IsZero() {
			st.NextRun = next
		}
	})
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
