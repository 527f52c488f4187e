package watch

import (
	"slices"
	"time"
)

// pending debounces paths one by one: a path is due once it has had no event
// for quiet, or once it has waited maxDelay since its first event. It is pure
// logic over an injected clock, owned by the watcher's goroutine.
type pending struct {
	quiet, maxDelay time.Duration
	paths           map[string]stamp
}

// stamp is when a pending path had its first and its latest event.
type stamp struct{ first, last time.Time }

func (s stamp) deadline(quiet, maxDelay time.Duration) time.Time {
	q, m := s.last.Add(quiet), s.first.Add(maxDelay)
	if m.Before(q) {
		return m
	}
	return q
}

func newPending(quiet, maxDelay time.Duration) *pending {
	return &pending{quiet: quiet, maxDelay: maxDelay, paths: make(map[string]stamp)}
}

// touch records an event on path at now; it reports whether path was not
// pending before.
func (p *pending) touch(path string, now time.Time) bool {
	s, ok := p.paths[path]
	if !ok {
		s.first = now
	}
	s.last = now
	p.paths[path] = s
	return !ok
}

func (p *pending) has(path string) bool { _, ok := p.paths[path]; return ok }

func (p *pending) len() int { return len(p.paths) }

func (p *pending) clear() { clear(p.paths) }

// due removes and returns the paths due at now, and the earliest deadline of
// those left (zero when none are left). It looks at every pending path, which
// is why the watcher calls it at most every quiet/2 (see nextFire).
func (p *pending) due(now time.Time) (paths []string, next time.Time) {
	for path, s := range p.paths {
		d := s.deadline(p.quiet, p.maxDelay)
		if !d.After(now) {
			paths = append(paths, path)
			delete(p.paths, path)
			continue
		}
		if next.IsZero() || d.Before(next) {
			next = d
		}
	}
	return paths, next
}

// nextFire is when to look at the pending paths again after looking at now:
// at their earliest deadline, but not before quiet/2 has passed, so that a
// stream of changes to many files becomes a few large batches rather than
// one small batch per file, and due's walk over all pending paths stays rare.
// A path is handed on at most quiet/2 after its deadline.
func (p *pending) nextFire(now, deadline time.Time) time.Time {
	if earliest := now.Add(p.quiet / 2); deadline.Before(earliest) {
		return earliest
	}
	return deadline
}

// outbox holds the paths handed on that the consumer has not taken yet, so
// that the watcher keeps reading events while the consumer is busy: paths due
// meanwhile join the same batch.
type outbox struct {
	paths  map[string]struct{}
	rescan bool
	built  *Batch // cache of batch(), nil when paths changed since
}

func (b *outbox) add(paths []string) {
	if b.rescan || len(paths) == 0 {
		return // a rescan covers every path
	}
	if b.paths == nil {
		b.paths = make(map[string]struct{}, len(paths))
	}
	for _, p := range paths {
		b.paths[p] = struct{}{}
	}
	b.built = nil
}

func (b *outbox) setRescan() {
	b.paths, b.rescan, b.built = nil, true, nil
}

func (b *outbox) len() int { return len(b.paths) }

func (b *outbox) ready() bool { return b.rescan || len(b.paths) > 0 }

// batch returns the batch to send, built once per change of the outbox.
func (b *outbox) batch() Batch {
	if b.built == nil {
		paths := make([]string, 0, len(b.paths))
		for p := range b.paths {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		if b.rescan {
			paths = nil
		}
		b.built = &Batch{Paths: paths, Rescan: b.rescan}
	}
	return *b.built
}

// sent empties the outbox once its batch was taken.
func (b *outbox) sent() { *b = outbox{} }
