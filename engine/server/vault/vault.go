package vault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// Errors of Put, Open and Restore, beside those of blobs (ErrFull, ErrSize).
var (
	// ErrConflict: a live object has the name with another size.
	ErrConflict = errors.New("an object of that name and another size is stored already")
	// ErrQuota: the object would take its user over their quota.
	ErrQuota = errors.New("over quota")
	// ErrNotFound: no such live (or trashed) object.
	ErrNotFound = errors.New("not found")
	// ErrLiveCopy: Restore found a live object with the name.
	ErrLiveCopy = errors.New("a live object has that name")
)

// Vault is the records and the blobs, kept in step. Safe for concurrent use.
type Vault struct {
	rec   records.Store
	blobs blobs.Store
	now   func() time.Time
	log   *slog.Logger

	mu       sync.Mutex // the commit lock within this process
	lockFile *os.File   // and across processes
	staging  stager     // the quota set aside by uploads in flight
}

// Options configure a Vault; zero values get the defaults.
type Options struct {
	// LockFile is the file whose flock serialises commits across
	// processes sharing the data folder. Empty: within this process only.
	LockFile string
	// Now is the server clock (default time.Now): arrival and deletion
	// times are stamped with it.
	Now func() time.Time
	// Logger gets what the vault repairs on the way (default: discarded).
	Logger *slog.Logger
}

// New returns a vault over rec and bl. Close releases the lock file.
func New(rec records.Store, bl blobs.Store, o Options) (*Vault, error) {
	v := &Vault{rec: rec, blobs: bl, now: o.Now, log: o.Logger}
	if v.now == nil {
		v.now = time.Now
	}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	if o.LockFile != "" {
		f, err := os.OpenFile(o.LockFile, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open commit lock: %w", err)
		}
		v.lockFile = f
	}
	return v, nil
}

// Close releases the lock file, once the commit in progress, if any, is
// done; the records and blobs stay open.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.lockFile != nil {
		return v.lockFile.Close()
	}
	return nil
}

// Records is the vault's record store.
func (v *Vault) Records() records.Store { return v.rec }

// withLock runs fn under the commit lock, with a context that a client
// going away does not cancel: a commit half done is what the lock is there
// to prevent.
//
// The lock holds within this process (a mutex), across the processes on
// this machine (the lock file), and across server nodes sharing one
// database (a database lock, where the record store offers one:
// PostgreSQL's advisory locks), so the check of a quota and the commit of
// an object are one step whichever node takes them.
func (v *Vault) withLock(ctx context.Context, fn func(ctx context.Context) error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.lockFile != nil {
		if err := flock(v.lockFile, true); err != nil {
			return fmt.Errorf("commit lock: %w", err)
		}
		defer flock(v.lockFile, false)
	}
	ctx = context.WithoutCancel(ctx)
	if l, ok := v.rec.(nodeLocker); ok {
		unlock, err := l.Lock(ctx, "commit")
		if err != nil {
			return fmt.Errorf("commit lock: %w", err)
		}
		defer unlock()
	}
	return fn(ctx)
}

// nodeLocker is a record store that locks across server nodes.
type nodeLocker interface {
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

func ref(o records.Object) blobs.Ref { return blobs.Ref{Device: o.Device, Kind: o.Kind, Name: o.Name} }

// Put stores an object of user (a user name) from body, which must hold
// exactly size bytes. It returns true when it stored the object, false when
// an object of that name and size was stored already (a retried upload: body
// is then not read). It returns once the object is durable and recorded.
// Before a byte is staged, size is set aside against the user's quota
// (staging.go): ErrQuota at once when it does not fit.
func (v *Vault) Put(ctx context.Context, user string, r blobs.Ref, size int64, body io.Reader) (bool, error) {
	if err := r.Check(); err != nil {
		return false, err
	}
	if done, err := v.stored(ctx, r, size); done || err != nil {
		return false, err
	}
	res, err := v.reserve(ctx, user, size)
	if err != nil {
		return false, err
	}
	defer res.release()
	st, err := v.blobs.Stage(ctx, size, body)
	if err != nil {
		return false, err
	}
	defer st.Discard()
	created := false
	err = v.withLock(ctx, func(ctx context.Context) error {
		if done, err := v.stored(ctx, r, size); done || err != nil {
			return err
		}
		if err := v.checkQuota(ctx, user, size); err != nil {
			return err
		}
		err := st.Commit(r)
		if errors.Is(err, blobs.ErrExists) {
			if err := v.resolveStray(ctx, r); err != nil {
				return err
			}
			err = st.Commit(r)
		}
		if err != nil {
			return err
		}
		if err := res.commit(func() error {
			_, err := v.rec.AddObject(ctx, records.Object{Device: r.Device, Kind: r.Kind, Name: r.Name, Size: size, Arrived: v.now()})
			return err
		}); err != nil {
			if rerr := v.resolveStray(ctx, r); rerr != nil {
				v.log.Error("an object stored without its record stays under its name", "object", r.String(), "err", rerr)
			}
			return err
		}
		created = true
		return nil
	})
	return created, err
}

// stored reports whether a live object has r's name: done with size, or
// ErrConflict with another.
func (v *Vault) stored(ctx context.Context, r blobs.Ref, size int64) (bool, error) {
	o, err := v.rec.LiveObject(ctx, r.Device, r.Kind, r.Name)
	if errors.Is(err, records.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if o.Size != size {
		return false, fmt.Errorf("%s is stored with %d bytes, not %d: %w", r, o.Size, size, ErrConflict)
	}
	return true, nil
}

func (v *Vault) checkQuota(ctx context.Context, user string, size int64) error {
	u, err := v.rec.User(ctx, user)
	if err != nil {
		return err
	}
	if u.Used+size > u.Quota {
		return fmt.Errorf("%s uses %d of %d bytes; %d more do not fit: %w", u.Name, u.Used, u.Quota, size, ErrQuota)
	}
	return nil
}

// Stat returns the live object's record.
func (v *Vault) Stat(ctx context.Context, r blobs.Ref) (records.Object, error) {
	o, err := v.rec.LiveObject(ctx, r.Device, r.Kind, r.Name)
	if errors.Is(err, records.ErrNotFound) {
		return o, fmt.Errorf("%s: %w", r, ErrNotFound)
	}
	return o, err
}

// Open opens a live object for reading, with its record.
func (v *Vault) Open(ctx context.Context, r blobs.Ref) (records.Object, blobs.Object, error) {
	o, err := v.Stat(ctx, r)
	if err != nil {
		return o, nil, err
	}
	f, err := v.blobs.Open(ctx, r)
	if err != nil {
		return o, nil, fmt.Errorf("%s is recorded but its file cannot be read (run cairn-server check): %w", r, err)
	}
	return o, f, nil
}

// Delete moves a live object to the trash; a missing one is not an error.
func (v *Vault) Delete(ctx context.Context, r blobs.Ref) error {
	return v.withLock(ctx, func(ctx context.Context) error {
		o, err := v.rec.LiveObject(ctx, r.Device, r.Kind, r.Name)
		if errors.Is(err, records.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := v.rec.TrashObject(ctx, o.ID, v.now()); err != nil {
			return err
		}
		if err := v.blobs.Trash(ctx, r, o.ID); err != nil {
			if errors.Is(err, blobs.ErrNotFound) {
				v.log.Warn("a deleted object had no file", "object", r.String(), "id", o.ID)
				return nil
			}
			return err
		}
		return nil
	})
}
