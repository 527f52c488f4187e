package alerts

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Observation is what the service knows after each pass, and at its start.
type Observation struct {
	Now          time.Time
	LastComplete time.Time // last time a pass completed at every destination (zero: never)
	Destinations []DestinationSeen
	Unreadable   []string // paths that could not be read in the last pass
	// Running says the service is up. An observation with Running false
	// (at shutdown, say) ends a run: the time until the next run does not
	// count, since a computer that was off is not failing.
	Running bool
	// Since is when the service started this run, if the caller knows
	// (zero: the run starts at its first observation). The running time
	// then counts from it; a new Since starts a new run.
	Since time.Time
}

// DestinationSeen is one destination as the service last saw it.
type DestinationSeen struct {
	Name        string
	LastReached time.Time // last time it answered (zero: never)
	Reachable   bool      // it answered in the last pass
}

// Kind is what an alert is about.
type Kind int

// Kinds, in order of importance.
const (
	NoBackup    Kind = iota // backups could not complete for a day
	Unreachable             // a destination has not answered for days
	Unreadable              // files could not be read
)

func (k Kind) String() string {
	switch k {
	case NoBackup:
		return "no-backup"
	case Unreachable:
		return "unreachable"
	case Unreadable:
		return "unreadable"
	}
	return "unknown"
}

// Alert is one notification to show.
type Alert struct {
	Kind Kind
	// Key names the condition, for deduplication: "no-backup",
	// "unreachable:" + the destination's name, "unreadable".
	Key string
	// Title and Body are English text/template templates over Data
	// ("{{.Destination}} cannot be reached"): the app translates them with
	// the template as key (lang.L(Title, Data)); Text renders the English.
	Title, Body string
	// Data fills the templates: Days (int), Destination (string), Paths
	// (string, up to three joined with ", "), PathList ([]string), More and
	// Count (int). Each Kind documents its own in words.go.
	Data map[string]any
}

// Policy says when to alert. Zero fields take their defaults.
type Policy struct {
	// NoBackupAfter is how long the service may run without completing a
	// pass before it says so. Default 24 h: the "for a day", and
	// long enough that a bad afternoon of Wi-Fi is no news.
	NoBackupAfter time.Duration
	// UnreachableAfter is how long a destination may not answer before it
	// is named. Default 72 h: a drive left at the office over a weekend is
	// normal, three days is not.
	UnreachableAfter time.Duration
	// Repeat is the least time between two showings of the same alert while
	// its condition lasts. Default 24 h: a daily reminder, not a nag.
	Repeat time.Duration
	// MaxPerDay bounds the alerts of all kinds shown in any 24 hours.
	// Default 3: one of each kind, never a storm.
	MaxPerDay int
}

func (p *Policy) applyDefaults() {
	if p.NoBackupAfter <= 0 {
		p.NoBackupAfter = 24 * time.Hour
	}
	if p.UnreachableAfter <= 0 {
		p.UnreachableAfter = 72 * time.Hour
	}
	if p.Repeat <= 0 {
		p.Repeat = 24 * time.Hour
	}
	if p.MaxPerDay <= 0 {
		p.MaxPerDay = 3
	}
}

// day is the window of Policy.MaxPerDay.
const day = 24 * time.Hour

// Alerter decides which alerts to show, remembering what it showed. Safe
// for concurrent use.
type Alerter struct {
	p    Policy
	path string

	mu      sync.Mutex
	mem     memory
	prev    time.Time // the previous observation of this run; zero: none yet
	since   time.Time // the run's Observation.Since
	stopped time.Time // the last observation with Running false
}

// New returns an Alerter following p that keeps its memory in the file
// statePath ("": in memory only), reading what an earlier run saved there.
func New(p Policy, statePath string) (*Alerter, error) {
	p.applyDefaults()
	a := &Alerter{p: p, path: statePath, mem: newMemory()}
	if statePath != "" {
		m, err := load(statePath)
		if err != nil {
			return nil, err
		}
		a.mem = m
	}
	return a, nil
}

// Observe takes what the service knows now and returns the alerts to show
// now, most important first (often none). It saves the Alerter's memory
// when it has a file, as best it can: Save reports errors.
func (a *Alerter) Observe(o Observation) []Alert {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !o.Running {
		a.prev, a.stopped = time.Time{}, o.Now
		return nil
	}
	first := a.prev.IsZero() || !o.Since.IsZero() && !o.Since.Equal(a.since)
	if first {
		a.since, a.prev = o.Since, time.Time{}
		if o.Since.After(a.stopped) {
			a.prev = o.Since // the run's time before its first observation counts
		}
	}
	a.account(o)
	a.prev = o.Now
	var shown []Alert
	if !first {
		shown = a.admit(o.Now, a.due(o))
	}
	if a.path != "" {
		_ = a.mem.save(a.path) // best effort; Save says what went wrong
	}
	return shown
}

// Save writes the Alerter's memory to its file now.
func (a *Alerter) Save() error {
	if a.path == "" {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.mem.save(a.path)
}

// account adds the time since the previous observation to the running time
// without a complete pass, and notes destinations seen down for the first
// time with no LastReached to measure from.
func (a *Alerter) account(o Observation) {
	nb := &a.mem.NoBackup
	if !nb.Since.Equal(o.LastComplete) {
		*nb = failing{Since: o.LastComplete}
	}
	if !a.prev.IsZero() {
		from := a.prev
		if o.LastComplete.After(from) {
			from = o.LastComplete
		}
		if d := o.Now.Sub(from); d > 0 {
			nb.Ran += d
		}
	}
	down := map[string]time.Time{}
	for _, d := range o.Destinations {
		if !d.Reachable && d.LastReached.IsZero() {
			since, ok := a.mem.DownSince[d.Name]
			if !ok {
				since = o.Now
			}
			down[d.Name] = since
		}
	}
	a.mem.DownSince = down
	for key := range a.mem.Last {
		if name, ok := strings.CutPrefix(key, "unreachable:"); ok && !slices.ContainsFunc(o.Destinations,
			func(d DestinationSeen) bool { return d.Name == name }) {
			delete(a.mem.Last, key) // a destination removed is no news
		}
	}
}

// candidate is an alert that is due, and what showing it changes.
type candidate struct {
	Alert
	episode time.Time // the condition's start, as its Observation gives it
	onShown func()
}

// admit shows what the daily budget allows, in order, and remembers it.
func (a *Alerter) admit(now time.Time, due []candidate) []Alert {
	kept := a.mem.Shown[:0]
	for _, t := range a.mem.Shown {
		if now.Sub(t) < day {
			kept = append(kept, t)
		}
	}
	a.mem.Shown = kept
	var out []Alert
	for _, c := range due {
		if len(a.mem.Shown) >= a.p.MaxPerDay {
			break // the rest waits for room
		}
		a.mem.Shown = append(a.mem.Shown, now)
		a.mem.Count++
		a.mem.Last[c.Key] = sent{At: now, Episode: c.episode, Seq: a.mem.Count}
		if c.onShown != nil {
			c.onShown()
		}
		out = append(out, c.Alert)
	}
	return out
}

// mayRepeat reports whether the alert key may be shown now for the
// condition that started at episode: never shown for it, or not within
// Policy.Repeat.
func (a *Alerter) mayRepeat(key string, episode, now time.Time) bool {
	s, ok := a.mem.Last[key]
	return !ok || !s.Episode.Equal(episode) || now.Sub(s.At) >= a.p.Repeat
}
