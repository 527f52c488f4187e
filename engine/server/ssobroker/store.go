package ssobroker

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Kind names what an Entry holds.
type Kind string

// The kinds of entries the broker keeps.
const (
	KindLogin  Kind = "login"  // a browser on its way to the identity provider
	KindGrant  Kind = "grant"  // a one-time grant a loopback client trades for a token
	KindDevice Kind = "device" // a device code, pending or approved
	// KindSession is an account's session of the replace-device wizard:
	// it lists the account's computers and is traded once for the token
	// of the one this computer replaces (replace.go).
	KindSession Kind = "session"
)

// Entry is one thing the broker keeps between requests. Data is the
// broker's own JSON: a store keeps it as it is.
type Entry struct {
	Kind Kind
	// Key is the entry's name: the SHA-256 of a secret, never the secret.
	Key string
	// Index is a second name, unique within Kind when not empty (a device
	// code's user code, which the person types).
	Index string
	// Addr is the client address that asked for the entry; Limit counts
	// entries per address.
	Addr    string
	Expires time.Time
	Data    []byte
}

// Limit bounds the entries of one kind a store keeps: PerAddr per client
// address and Total in all (0: no bound), so that strangers cannot make the
// server keep an unbounded number.
type Limit struct {
	PerAddr, Total int
}

// Errors of a Store.
var (
	// ErrNotFound: no such entry, or it has expired.
	ErrNotFound = errors.New("not found or expired")
	// ErrFull: keeping the entry would pass its Limit.
	ErrFull = errors.New("too many sign-ins are waiting")
	// ErrExists: an entry of that kind has that key or index already.
	ErrExists = errors.New("exists already")
)

// Store keeps the broker's entries until they expire. Expired entries are
// as good as gone: no method returns one, none counts against a Limit or
// holds its key or index, and a store sweeps them out so they cannot pile
// up. Implementations are safe for concurrent use, and each method is
// atomic (on several server nodes, one transaction), so an entry taken once
// cannot be taken twice and Puts at once cannot pass a Limit. Kinds are not
// a fixed list: a store keeps whatever kinds the broker names.
//
// Two implement it: MemStore, in memory, for tests and a broker of its own;
// and the server's records (records.SSOStore, in its SQLite or PostgreSQL
// database), which every server uses (records.SSOStoreFor), so that a
// sign-in begun on one node of a server ends on any other. The conformance
// suite both pass is engine/server/records/ssostore_test.go.
type Store interface {
	// Put keeps e, unless that would pass lim (ErrFull) or its key or
	// index is taken (ErrExists).
	Put(ctx context.Context, e Entry, lim Limit) error
	// Take returns the entry and deletes it: what is used once.
	Take(ctx context.Context, kind Kind, key string) (Entry, error)
	// Find returns the entry with that index, leaving it in place.
	Find(ctx context.Context, kind Kind, index string) (Entry, error)
	// Update runs fn on the entry, atomically; when fn returns false the
	// entry is deleted. fn may change Data and Expires (Kind, Key, Index
	// and Addr stay). fn must not call the store, and may run more than
	// once (a database retries a transaction it aborted to break a
	// deadlock), so it sets what it reports rather than adding to it.
	Update(ctx context.Context, kind Kind, key string, fn func(*Entry) (keep bool)) error
}

// MemStore is a Store in memory, for tests and a broker of one process;
// servers keep theirs in their records.
type MemStore struct {
	now       func() time.Time
	mu        sync.Mutex
	entries   map[Kind]map[string]*Entry
	index     map[Kind]map[string]string // index → key
	perAddr   map[Kind]map[string]int
	lastPrune time.Time
}

// NewMemStore returns an empty store; now is its clock (nil: time.Now).
func NewMemStore(now func() time.Time) *MemStore {
	if now == nil {
		now = time.Now
	}
	return &MemStore{now: now, entries: map[Kind]map[string]*Entry{},
		index: map[Kind]map[string]string{}, perAddr: map[Kind]map[string]int{}}
}

// pruneEvery is how often a Put sweeps out expired entries: often enough
// that they do not pile up, rarely enough that a sweep costs nothing.
const pruneEvery = time.Minute

func (s *MemStore) Put(_ context.Context, e Entry, lim Limit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.Sub(s.lastPrune) >= pruneEvery || lim.Total > 0 && len(s.entries[e.Kind]) >= lim.Total ||
		lim.PerAddr > 0 && s.perAddr[e.Kind][e.Addr] >= lim.PerAddr {
		s.prune(now) // what looks full may be full of expired entries
	}
	if _, ok := s.live(e.Kind, e.Key); ok {
		return ErrExists
	}
	if key, ok := s.index[e.Kind][e.Index]; ok && e.Index != "" {
		if _, ok := s.live(e.Kind, key); ok {
			return ErrExists
		}
	}
	if lim.Total > 0 && len(s.entries[e.Kind]) >= lim.Total ||
		lim.PerAddr > 0 && s.perAddr[e.Kind][e.Addr] >= lim.PerAddr {
		return ErrFull
	}
	s.add(&e)
	return nil
}

func (s *MemStore) Take(_ context.Context, kind Kind, key string) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.live(kind, key)
	if !ok {
		return Entry{}, ErrNotFound
	}
	s.remove(e)
	return *e, nil
}

func (s *MemStore) Find(_ context.Context, kind Kind, index string) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := s.index[kind][index]
	if !ok || index == "" {
		return Entry{}, ErrNotFound
	}
	e, ok := s.live(kind, key)
	if !ok {
		return Entry{}, ErrNotFound
	}
	return *e, nil
}

func (s *MemStore) Update(_ context.Context, kind Kind, key string, fn func(*Entry) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.live(kind, key)
	if !ok {
		return ErrNotFound
	}
	changed := *e
	s.remove(e)
	if fn(&changed) {
		changed.Kind, changed.Key, changed.Index, changed.Addr = e.Kind, e.Key, e.Index, e.Addr
		s.add(&changed)
	}
	return nil
}

// live returns the entry unless it is missing or expired (then it goes).
func (s *MemStore) live(kind Kind, key string) (*Entry, bool) {
	e, ok := s.entries[kind][key]
	if !ok {
		return nil, false
	}
	if !s.now().Before(e.Expires) {
		s.remove(e)
		return nil, false
	}
	return e, true
}

func (s *MemStore) add(e *Entry) {
	if s.entries[e.Kind] == nil {
		s.entries[e.Kind], s.index[e.Kind], s.perAddr[e.Kind] = map[string]*Entry{}, map[string]string{}, map[string]int{}
	}
	s.entries[e.Kind][e.Key] = e
	if e.Index != "" {
		s.index[e.Kind][e.Index] = e.Key
	}
	s.perAddr[e.Kind][e.Addr]++
}

func (s *MemStore) remove(e *Entry) {
	delete(s.entries[e.Kind], e.Key)
	if e.Index != "" {
		delete(s.index[e.Kind], e.Index)
	}
	if s.perAddr[e.Kind][e.Addr]--; s.perAddr[e.Kind][e.Addr] <= 0 {
		delete(s.perAddr[e.Kind], e.Addr)
	}
}

// prune deletes every expired entry.
func (s *MemStore) prune(now time.Time) {
	s.lastPrune = now
	for _, m := range s.entries {
		for _, e := range m {
			if !now.Before(e.Expires) {
				s.remove(e)
			}
		}
	}
}

// Len is the number of entries of a kind, expired ones not yet swept
// included: for tests and metrics.
func (s *MemStore) Len(kind Kind) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries[kind])
}
