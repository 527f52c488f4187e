package webarchive

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
)

// Errors of a Pool: a cap was reached. Their texts are for the person.
var (
	// ErrTooManyOfYours: the person has PoolOptions.PerUser other
	// archives open already.
	ErrTooManyOfYours = errors.New("you have another archive open on this server: close it first, or wait: it closes by itself 15 minutes after its last use")
	// ErrServerFull: the open archives take the memory the server gives
	// them all.
	ErrServerFull = errors.New("too many archives are open on this server right now; try again in a few minutes")
	// ErrArchiveTooLarge: the archive alone takes more memory than the
	// server gives all of them.
	ErrArchiveTooLarge = errors.New("this archive is too large to open on this server's web page; restore it with the Cairn app")
)

// PoolOptions are a Pool's caps. Zero values get the defaults.
type PoolOptions struct {
	// Keys bound the key files tried and the Argon2id work each may ask
	// for (default DefaultKeyLimits).
	Keys repo.KeyLimits
	// PerUser is how many different archives one person may have open at
	// once (default 2: a computer to restore from, and perhaps the old one
	// it replaced). Any number of their sessions share each.
	PerUser int
	// Memory bounds the index memory (Archive.Memory) of all open archives
	// together (default 512 MiB; the process takes up to about twice that
	// with the garbage collector). A 100,000-version archive keeps about 26
	// MiB. Reading an archive in takes a transient few times its size more;
	// the caller bounds how many are read in at once.
	Memory int64
}

// DefaultPerUser and DefaultMemory are the caps PoolOptions default to.
const (
	DefaultPerUser       = 2
	DefaultMemory  int64 = 512 << 20
)

func (o *PoolOptions) applyDefaults() {
	if o.Keys == (repo.KeyLimits{}) {
		o.Keys = DefaultKeyLimits
	}
	if o.PerUser <= 0 {
		o.PerUser = DefaultPerUser
	}
	if o.Memory <= 0 {
		o.Memory = DefaultMemory
	}
}

// Pool is the archives open on the server's web pages. Sessions of one
// person that unlock the same archive (the same device, the same master
// key) share one Archive in memory; it is forgotten when the last of them
// closes it. A person may have PerUser archives open, and all together
// keep at most Memory. Safe for concurrent use.
type Pool struct {
	o      PoolOptions
	secret [32]byte // keys the master keys' fingerprints, never stored

	mu   sync.Mutex
	open map[poolKey]*entry
	held int64 // Memory of the archives open, stale ones included
}

// poolKey names an open archive: whose, which device, which master key
// (an HMAC of it under the pool's secret: nothing to learn from).
type poolKey struct {
	owner, device string
	key           [sha256.Size]byte
}

// entry is an archive open, or being read in (a nil a, ready open).
type entry struct {
	k     poolKey
	a     *Archive
	refs  int
	size  int64
	print string        // the source's objects when it was read: fingerprint
	ready chan struct{} // closed once read in, or failed
}

// NewPool returns an empty pool.
func NewPool(o PoolOptions) *Pool {
	o.applyDefaults()
	p := &Pool{o: o, open: map[poolKey]*entry{}}
	rand.Read(p.secret[:])
	return p
}

// Options returns the pool's caps, defaults applied.
func (p *Pool) Options() PoolOptions { return p.o }

// Shared is one session's use of an archive in a Pool. Close ends this use
// only; the archive is forgotten when its last use ends.
type Shared struct {
	*Archive
	once    sync.Once
	release func()
}

// Close ends this use of the archive.
func (s *Shared) Close() { s.once.Do(s.release) }

// Open unlocks the archive in src for owner (a person), device naming it,
// and returns a use of it: the archive already open for owner with the
// same master key when there is one and src has not changed since,
// otherwise the archive read in anew. The password is checked either way
// (Argon2id, within PoolOptions.Keys). Errors: Open's, and
// ErrTooManyOfYours, ErrServerFull, ErrArchiveTooLarge.
func (p *Pool) Open(ctx context.Context, owner, device string, src store.Backend, password []byte) (*Shared, error) {
	master, err := unlock(ctx, src, password, p.o.Keys)
	if err != nil {
		return nil, err
	}
	defer clear(master[:])
	print, err := fingerprint(ctx, src)
	if err != nil {
		return nil, err
	}
	k := poolKey{owner: owner, device: device, key: p.keyID(device, master)}
	for {
		e, how, err := p.join(k, print)
		switch {
		case err != nil:
			return nil, err
		case how == fillIt:
			return p.fill(ctx, e, src, master)
		case how == joined:
			return p.share(e), nil
		}
		select { // being read in by another session: wait for it
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (p *Pool) keyID(device string, master crypt.MasterKey) [sha256.Size]byte {
	m := hmac.New(sha256.New, p.secret[:])
	m.Write([]byte(device))
	m.Write([]byte{0})
	m.Write(master[:])
	var id [sha256.Size]byte
	m.Sum(id[:0])
	return id
}

// joining is what join found.
type joining int

const (
	joined joining = iota // open: its use is counted
	waitIt                // being read in by another: wait for e.ready
	fillIt                // new: the caller reads it in
)

// join returns the entry of k: open, being read in, or new and the
// caller's to fill if the caps allow one. An open entry of a source that
// changed since is left to its present users and a new one made.
func (p *Pool) join(k poolKey, print string) (*entry, joining, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.open[k]; e != nil {
		if e.a == nil {
			return e, waitIt, nil
		}
		if e.print == print {
			e.refs++
			return e, joined, nil
		}
		delete(p.open, k) // stale: its users keep it until they close it
	}
	if p.openBy(k.owner) >= p.o.PerUser {
		return nil, 0, ErrTooManyOfYours
	}
	if p.held >= p.o.Memory {
		return nil, 0, ErrServerFull
	}
	e := &entry{k: k, print: print, ready: make(chan struct{})}
	p.open[k] = e
	return e, fillIt, nil
}

// fill reads e's archive in and keeps it if the memory cap allows.
func (p *Pool) fill(ctx context.Context, e *entry, src store.Backend, master crypt.MasterKey) (*Shared, error) {
	a, err := openKey(ctx, src, master)
	p.mu.Lock()
	if err == nil {
		switch size := a.Memory(); {
		case size > p.o.Memory:
			err = ErrArchiveTooLarge
		case p.held+size > p.o.Memory:
			err = ErrServerFull
		default:
			e.a, e.size, e.refs = a, size, 1
			p.held += size
		}
	}
	if err != nil {
		delete(p.open, e.k)
	}
	close(e.ready)
	p.mu.Unlock()
	if err != nil {
		if a != nil {
			a.Close()
		}
		return nil, err
	}
	return &Shared{Archive: a, release: func() { p.release(e) }}, nil
}

func (p *Pool) share(e *entry) *Shared {
	return &Shared{Archive: e.a, release: func() { p.release(e) }}
}

// release ends one use of e; the last forgets the archive.
func (p *Pool) release(e *entry) {
	p.mu.Lock()
	e.refs--
	last := e.refs == 0
	if last {
		if p.open[e.k] == e {
			delete(p.open, e.k)
		}
		p.held -= e.size
	}
	p.mu.Unlock()
	if last {
		e.a.Close()
	}
}

// openBy is how many archives owner has open or being read in (p.mu held).
func (p *Pool) openBy(owner string) int {
	n := 0
	for k := range p.open {
		if k.owner == owner {
			n++
		}
	}
	return n
}

// Room says whether owner could open device's archive now: nil, or the
// cap that would refuse it (ErrTooManyOfYours, ErrServerFull). An archive
// owner has open already is shared whatever the caps. Nothing is reserved:
// for telling a person before they type a password.
func (p *Pool) Room(owner, device string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k := range p.open {
		if k.owner == owner && k.device == device {
			return nil
		}
	}
	if p.openBy(owner) >= p.o.PerUser {
		return ErrTooManyOfYours
	}
	if p.held >= p.o.Memory {
		return ErrServerFull
	}
	return nil
}

// OpenBy is how many archives owner has open.
func (p *Pool) OpenBy(owner string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.openBy(owner)
}

// Stats are the archives open (or being read in) and the memory they keep.
func (p *Pool) Stats() (archives int, memory int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.open), p.held
}

// fingerprint tells whether a source changed: its packs and version
// segments, counted and summed (a backup adds both; a prune removes packs).
func fingerprint(ctx context.Context, src store.Backend) (string, error) {
	var print string
	for _, kind := range []store.Kind{store.KindPack, store.KindSegment} {
		n, total := 0, int64(0)
		if err := src.List(ctx, kind, func(_ string, size int64) error {
			n, total = n+1, total+size
			return nil
		}); err != nil {
			return "", fmt.Errorf("list %s of %s: %w", kind, src.Location(), err)
		}
		print += fmt.Sprintf("%s:%d:%d ", kind, n, total)
	}
	return print, nil
}
