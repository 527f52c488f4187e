// Package service is the long-running agent the desktop app embeds: it runs
// backups by itself on a schedule and on request, can be paused, and
// publishes its state (idle and safe, backing up, paused, offline, needs
// attention) to whoever subscribes, such as the tray and the home screen.
//
// Continuous protection (watching files, the daily verification scan,
// throttling) builds on it in a later issue.
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

// Phase is what the service is doing, in one word.
type Phase int

// Phases.
const (
	Idle      Phase = iota // every destination is up to date
	BackingUp              // a pass is running
	Paused                 // the person paused backups
	Offline                // a destination cannot be reached; changes wait on this computer
	Attention              // something needs the person: an error, files that could not be read
	Setup                  // no destination or nothing selected yet, or the replace wizard is open
)

// State is what the service publishes.
type State struct {
	Phase       Phase
	Destination string          // being backed up
	Progress    backup.Progress // of the running pass
	LastSafe    time.Time       // when every destination last completed
	PausedUntil time.Time       // zero with Paused: until resumed
	Problem     string          // in words, for Offline and Attention ("" when Unreadable says it all)
	Unreadable  []engine.FileError
	Pending     int64 // bytes waiting for unreachable destinations
	NextRun     time.Time
}

// Service runs backups. Safe for concurrent use.
type Service struct {
	d   *device.Device
	now func() time.Time

	mu     sync.Mutex
	state  State
	subs   map[int]func(State)
	nextID int
	cancel context.CancelFunc // of the running pass

	wake chan struct{}
}

// New returns a service for d.
func New(d *device.Device) *Service {
	return &Service{d: d, now: time.Now, subs: map[int]func(State){}, wake: make(chan struct{}, 1)}
}

// State returns the current state.
func (s *Service) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Subscribe calls fn with every new state (from the service's goroutine;
// the UI hands it to its own thread). The returned function unsubscribes.
func (s *Service) Subscribe(fn func(State)) (cancel func()) {
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.subs[id] = fn
	st := s.state
	s.mu.Unlock()
	fn(st)
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

func (s *Service) publish(change func(*State)) {
	s.mu.Lock()
	change(&s.state)
	st := s.state
	subs := make([]func(State), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}

// BackupNow starts a pass at once (it also ends a pause).
func (s *Service) BackupNow() {
	s.Resume()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Pause stops backups for d (0: until Resume), and stops the running pass;
// what it finished is kept.
func (s *Service) Pause(d time.Duration) {
	until := time.Time{}
	if d > 0 {
		until = s.now().Add(d)
	}
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	s.publish(func(st *State) { st.Phase, st.PausedUntil, st.Destination = Paused, until, "" })
	s.poke()
}

// Resume ends a pause.
func (s *Service) Resume() {
	if s.State().Phase != Paused {
		return
	}
	s.publish(func(st *State) { st.Phase, st.PausedUntil = Idle, time.Time{} })
	s.poke()
}

func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// paused reports whether backups are paused now, ending an expired pause.
func (s *Service) paused() bool {
	st := s.State()
	if st.Phase != Paused {
		return false
	}
	if !st.PausedUntil.IsZero() && !s.now().Before(st.PausedUntil) {
		s.publish(func(st *State) { st.Phase, st.PausedUntil = Idle, time.Time{} })
		return false
	}
	return true
}

// Serve runs until ctx ends: a pass at start, then every BackupEvery, and
// whenever BackupNow is called.
func (s *Service) Serve(ctx context.Context) error {
	next := s.now()
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !s.paused() && !s.now().Before(next) {
			s.run(ctx)
			next = s.now().Add(s.d.Settings().BackupEvery)
			s.publish(func(st *State) { st.NextRun = next })
		}
		wait := time.Until(next)
		if st := s.State(); st.Phase == Paused && !st.PausedUntil.IsZero() {
			wait = min(wait, time.Until(st.PausedUntil))
		}
		timer := time.NewTimer(max(wait, time.Second))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-s.wake:
			timer.Stop()
			if !s.paused() {
				next = s.now() // a request, or the end of a pause
			}
		case <-timer.C:
		}
	}
}

// run makes one pass to every destination and publishes what came of it.
func (s *Service) run(ctx context.Context) {
	c := s.d.Config()
	switch {
	case c.Replace != nil:
		s.publish(func(st *State) { st.Phase, st.Problem = Setup, "finish replacing your old computer first" })
		return
	case len(c.Destinations) == 0 || len(c.Selection.Include) == 0:
		s.publish(func(st *State) { st.Phase, st.Problem = Setup, "" })
		return
	}
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
	s.publish(func(st *State) { st.Phase, st.Problem, st.Progress = BackingUp, "", backup.Progress{} })
	var unreadable []engine.FileError
	var mu sync.Mutex
	results := s.d.BackupAll(pctx, device.BackupOptions{
		PruneAfter: true,
		Destination: func(name string) {
			s.publish(func(st *State) { st.Destination, st.Progress = name, backup.Progress{} })
		},
		Progress: func(p backup.Progress) { s.publish(func(st *State) { st.Phase, st.Progress = BackingUp, p }) },
		FileError: func(fe engine.FileError) {
			mu.Lock()
			if len(unreadable) < engine.MaxReported {
				unreadable = append(unreadable, fe)
			}
			mu.Unlock()
		},
	})
	if s.State().Phase == Paused {
		return // paused while running: the pass was stopped on purpose
	}
	s.publish(func(st *State) {
		st.Destination = ""
		s.conclude(st, results, unreadable)
	})
}

// conclude turns a pass's results into the state people see.
func (s *Service) conclude(st *State, results []device.DestinationResult, unreadable []engine.FileError) {
	st.Unreadable, st.Pending, st.Problem = unreadable, 0, ""
	offline, failed := 0, 0
	for _, r := range results {
		st.Pending += r.Queued
		switch {
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
	switch {
	case failed > 0:
		st.Phase = Attention
	case offline > 0:
		st.Phase = Offline
		if st.Problem == "" {
			st.Problem = "a destination cannot be reached; changes wait on this computer"
		}
	case len(unreadable) > 0:
		st.Phase = Attention
		st.LastSafe = s.now()
	default:
		st.Phase = Idle
		st.LastSafe = s.now()
	}
}
