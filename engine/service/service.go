// Package service is the long-running agent the desktop app (and `cairn
// daemon`) runs: it watches the selection and backs up what changed within
// seconds of a save, scans the whole selection daily (and regularly where
// watching is not possible), backs up on request, can be paused, holds
// back on battery, outside the chosen hours and while the person works, and
// publishes its state (idle and safe, backing up, paused, waiting, offline,
// needs attention) to whoever subscribes, such as the tray and the home
// screen. See serve.go for the loop and its rules.
package service

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/alerts"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/throttle"
	"github.com/cairnbackup/cairn/engine/watch"
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
	Waiting                // backups hold back for now (battery, hours); Problem says why
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
	// NotBackedUp lists what the last passes left out by design, each with
	// why (backup.Result.Notes: a cloud-only file, not downloaded; a
	// Windows junction): not a problem, so the phase does not change, but
	// the person is told. At most engine.MaxReported, each path once.
	NotBackedUp []engine.FileError
	Pending     int64 // bytes waiting for unreachable destinations
	NextRun     time.Time
	// NextScan is when the next scan of the whole selection runs (the
	// daily verification scan, or sooner where watching is not possible).
	NextScan time.Time
	// LastScan is when the last scan of the whole selection finished.
	LastScan time.Time
	// Watching is the real-time watcher's state (Folders 0: not watching).
	Watching watch.Status
	// UploadLimit is the upload limit in force (bytes/s, 0: none); Away
	// says the person is away, so the away limit applies.
	UploadLimit int64
	Away        bool
	// Held is the throttle's decision while Phase is Waiting (why, as data
	// a UI can translate; Problem says it in English).
	Held throttle.Decision
	// SignedOut lists the server destinations that no longer accept this
	// computer (replaced by another computer, or signed out): nothing is
	// sent to them until the person signs in again. Phase is Attention.
	SignedOut []SignedOut
	// SelectionAdded says the selection changed since the last complete
	// scan: what was added is not backed up yet, so nothing may say that
	// everything is safe (a pass for it is due or running).
	SelectionAdded bool
	// RetryAt is when a failed pass is tried again (zero: none failed).
	RetryAt time.Time
	// ChangesWaiting is how many changed files and folders the watcher
	// saw that wait for a pass (while paused, holding back, or between
	// the save and its pass).
	ChangesWaiting int
	// Passes counts the passes that ended since the service started: a
	// screen reads the destinations' status again when it grows.
	Passes int
}

// SignedOut is a server destination that refuses this computer's sign-in.
type SignedOut struct {
	Destination string
	// Replaced says another computer took this one's place (the replace
	// wizard); ReplacedBy is its name, when the server said; At is when.
	Replaced   bool
	ReplacedBy string
	At         time.Time
}

// Options tune a service; the zero value is what the app uses.
type Options struct {
	// NoWatch turns real-time watching off: changes are then found by the
	// regular scans only (every Settings.BackupEvery).
	NoWatch bool
	// Quiet and MaxDelay are the watcher's debounce (watch.Options):
	// a saved file is backed up once it has been quiet this long, and one
	// that keeps changing at least every MaxDelay.
	Quiet, MaxDelay time.Duration
	// MaxWatches makes the watcher behave as if the OS allowed only this
	// many watched folders (tests of the limit; 0: the OS's limit).
	MaxWatches int
	// Presence tells how long the person has been idle (default: the
	// system's, throttle.DetectPresence).
	Presence throttle.Presence
	// Battery reads the battery (default: throttle.ReadBattery, the system's).
	Battery func() (throttle.Battery, error)
	// Alert shows a notification (nil: none); alerts are decided by
	// engine/alerts so they never storm. AlertMemory is the file where
	// what was shown is remembered across restarts ("": not kept).
	Alert       func(alerts.Alert)
	AlertMemory string
	// Log receives one line per pass (nil: none).
	Log *slog.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// After is the loop's timer (tests give one that moves Now instead of
	// waiting); default time.After.
	After func(d time.Duration) <-chan time.Time
	// RetryBase and RetryCeiling bound the waits before retrying a failed
	// pass (backoff.go); defaults 2 s and 15 min. Rand draws the jitter
	// (default math/rand/v2's Float64).
	RetryBase, RetryCeiling time.Duration
	Rand                    func() float64
}

// Service runs backups. Safe for concurrent use.
type Service struct {
	d    *device.Device
	opts Options
	now  func() time.Time

	mu     sync.Mutex
	state  State
	subs   map[int]func(State)
	nextID int
	cancel context.CancelFunc // of the running pass

	passing       chan struct{} // holds a token while a pass runs, or while Hold holds it
	wake          chan struct{}
	fullScan      atomic.Bool // the next pass scans the whole selection
	askedByPerson atomic.Bool // … because the person asked: it runs whatever the throttle says
}

// New returns a service for d with the app's defaults.
func New(d *device.Device) *Service { return NewWithOptions(d, Options{}) }

// NewWithOptions returns a service for d.
func NewWithOptions(d *device.Device, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Presence == nil {
		o.Presence = throttle.DetectPresence()
	}
	if o.Battery == nil {
		o.Battery = func() (throttle.Battery, error) { return throttle.ReadBattery("") }
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.RetryBase <= 0 {
		o.RetryBase = defaultRetryBase
	}
	if o.RetryCeiling <= 0 {
		o.RetryCeiling = defaultRetryCeiling
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return &Service{d: d, opts: o, now: o.Now, subs: map[int]func(State){}, wake: make(chan struct{}, 1),
		passing: make(chan struct{}, 1)}
}

// Hold waits for the pass under way to end (or ctx), then keeps passes
// from starting until release is called. Commands that change the archive
// while the service runs (`cairn backup`, `prune`, …) run under a hold,
// between passes; the state people see does not change.
func (s *Service) Hold(ctx context.Context) (release func(), err error) {
	select {
	case s.passing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-s.passing
			s.poke()
		})
	}, nil
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

// publish changes the state and tells the subscribers, unless nothing
// changed: the loop publishes what it computes on every turn, and a tray or
// a window must not be redrawn for nothing.
func (s *Service) publish(change func(*State)) {
	s.mu.Lock()
	before := s.state
	change(&s.state)
	st := s.state
	if reflect.DeepEqual(before, st) {
		s.mu.Unlock()
		return
	}
	subs := make([]func(State), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}

// BackupNow starts a scan of the whole selection at once (it also ends a
// pause): "Back up now" and "Scan now".
func (s *Service) BackupNow() {
	s.askedByPerson.Store(true)
	s.fullScan.Store(true)
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
