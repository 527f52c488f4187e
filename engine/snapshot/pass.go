package snapshot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/selection"
)

// Opener is what a backup pass takes (backup.Options.InUse): it opens a
// file another program holds from a snapshot, and Close releases the
// snapshots when the pass ends.
type Opener interface {
	Open(ctx context.Context, path string) (*os.File, error)
	Close() error
}

// Service is a connection to the open-file helper (*Conn).
type Service interface {
	Snapshot(ctx context.Context, volume string) (Shadow, error)
	Release(ctx context.Context, id string) error
	Close() error
}

// ErrNoHelper says the open-file helper service is not there: Cairn was
// installed for one person (which adds no service), or the service is
// stopped.
var ErrNoHelper = errors.New("Cairn's open-file helper is not running on this computer")

// Timeouts, so a helper that hangs never stalls a pass: the service gives
// Windows two minutes to make a shadow copy, and deletes any anyway when
// the connection closes.
const (
	dialTimeout     = 10 * time.Second
	snapshotTimeout = 3 * time.Minute
	releaseTimeout  = 30 * time.Second
)

// Pass reads in-use files of one backup pass from shadow copies. It asks
// the service at most once per drive: the first in-use file on a drive
// makes the drive's snapshot (or finds that none can be made, which is
// remembered), and every later one on that drive is read from it. Close
// releases them. Open may be called from several goroutines.
type Pass struct {
	dial func(context.Context) (Service, error)
	open func(path string) (*os.File, error)
	// same says whether the volume GUID name the service saw at a drive
	// letter is the one this process sees there; nil: not checked.
	same func(root, volume string) bool

	mu      sync.Mutex
	svc     Service
	dialErr error
	drives  map[string]*drive
}

// drive is what the pass learnt of one drive: its snapshot, or why it
// has none.
type drive struct {
	shadow Shadow
	err    error
}

// NewPass is a pass that connects with dial when it first needs a
// snapshot and opens files inside one with open (a file's shadow path).
func NewPass(dial func(context.Context) (Service, error), open func(path string) (*os.File, error)) *Pass {
	return &Pass{dial: dial, open: open, drives: map[string]*drive{}}
}

// Open opens the archive path path (/C:/Users/ana/x.pst), which failed to
// open as in use, from its drive's snapshot. An error that is not the
// context's wraps fs.ErrInUse (*NotRead), so the file is listed as in use
// as before, with the reason and what to do.
func (p *Pass) Open(ctx context.Context, path string) (*os.File, error) {
	sys := selection.OSPath("windows", path)
	root, err := VolumeOf(sys)
	if err != nil {
		return nil, &NotRead{Why: err}
	}
	sh, err := p.snapshot(ctx, root)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &NotRead{Why: err}
	}
	in, err := ShadowPath(root, sh.Device, sys)
	if err != nil {
		return nil, &NotRead{Why: err}
	}
	f, err := p.open(in)
	if err != nil {
		return nil, &NotRead{Why: fmt.Errorf("open it in the snapshot: %w", err)}
	}
	return f, nil
}

// snapshot is root's snapshot in this pass, made at the first call. The
// lock is held while the service works (seconds): another reader that
// meets an in-use file waits for the same answer rather than ask again.
func (p *Pass) snapshot(ctx context.Context, root string) (Shadow, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.drives[root]; ok {
		return d.shadow, d.err
	}
	sh, err := p.make(ctx, root)
	if ctx.Err() != nil {
		return Shadow{}, ctx.Err() // the pass is ending: nothing to remember
	}
	p.drives[root] = &drive{shadow: sh, err: err}
	return sh, err
}

func (p *Pass) make(ctx context.Context, root string) (Shadow, error) {
	if p.svc == nil && p.dialErr == nil {
		dctx, cancel := context.WithTimeout(ctx, dialTimeout)
		p.svc, p.dialErr = p.dial(dctx)
		cancel()
	}
	if p.dialErr != nil {
		return Shadow{}, p.dialErr
	}
	sctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	defer cancel()
	sh, err := p.svc.Snapshot(sctx, root)
	if err != nil {
		return Shadow{}, err
	}
	if p.same != nil && !p.same(root, sh.Volume) {
		// This session's drive letter names another volume than the
		// service's (a drive letter defined for one session only).
		p.svc.Release(sctx, sh.ID)
		return Shadow{}, fmt.Errorf("%s is another volume for the open-file helper than for Cairn", root)
	}
	return sh, nil
}

// Close releases the pass's snapshots and ends the connection. Files
// opened from them must be closed first.
func (p *Pass) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.svc == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	var errs []error
	for root, d := range p.drives {
		if d.err == nil {
			if err := p.svc.Release(ctx, d.shadow.ID); err != nil {
				errs = append(errs, fmt.Errorf("release the snapshot of %s: %w", root, err))
			}
		}
	}
	errs = append(errs, p.svc.Close())
	p.svc, p.drives = nil, map[string]*drive{}
	return errors.Join(errs...)
}

// NotRead is the error of an in-use file that could not be read from a
// snapshot either. It matches fs.ErrInUse and Why.
type NotRead struct{ Why error }

func (e *NotRead) Error() string {
	return "in use by another program, and Cairn could not read the open file from a snapshot (" + e.Why.Error() + "): " + e.Advice()
}

// Advice says how to have the file backed up.
func (e *NotRead) Advice() string {
	if errors.Is(e.Why, ErrNoHelper) {
		return "close the program that holds it, or install Cairn for everyone on this computer (which adds the open-file helper), and the next backup copies it"
	}
	return "close the program that holds it and the next backup copies it"
}

func (e *NotRead) Unwrap() []error { return []error{fs.ErrInUse, e.Why} }
