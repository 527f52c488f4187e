package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"
)

// Kind is a class of object. The values are folder names at the destination:
// part of the archive format.
type Kind string

// Kinds of objects.
const (
	KindPack    Kind = "packs"    // pack files of sealed chunks
	KindSegment Kind = "versions" // sealed, append-only segments of version records
	KindKey     Kind = "keys"     // password-wrapped master keys
	KindConfig  Kind = "config"   // the sealed archive configuration
	KindLock    Kind = "locks"    // who is writing
)

// Kinds lists every kind, for listings and conformance tests.
var Kinds = []Kind{KindPack, KindSegment, KindKey, KindConfig, KindLock}

// Backend stores objects. Implementations are safe for concurrent use; every
// call honours ctx. Errors wrap the engine's sentinels where one applies
// (engine.ErrNotFound, engine.ErrDestinationFull).
type Backend interface {
	// Location is a human-readable description ("/media/ana/Backup").
	Location() string
	// Create starts a new object of kind; it gets its name, and becomes
	// visible, only at Commit.
	Create(ctx context.Context, kind Kind) (Upload, error)
	// Open gives random access to an object.
	Open(ctx context.Context, kind Kind, name string) (Object, error)
	// Stat returns an object's size.
	Stat(ctx context.Context, kind Kind, name string) (int64, error)
	// List calls fn for every object of kind, in no particular order.
	List(ctx context.Context, kind Kind, fn func(name string, size int64) error) error
	// Remove deletes an object; removing a missing object is not an error.
	Remove(ctx context.Context, kind Kind, name string) error
	// Close releases resources.
	Close() error
}

// Upload is an object being written. Commit or Abort must be called.
type Upload interface {
	io.Writer
	// Commit makes the object durable and visible under name. An existing
	// object with that name is replaced (content-addressed names make that a
	// no-op in practice).
	Commit(name string) error
	// Abort discards what was written.
	Abort() error
}

// Object is an object opened for reading.
type Object interface {
	io.ReaderAt
	Size() int64
	Close() error
}

// ErrOffline means the destination cannot be reached now (a server that is
// down, a network that is gone). Work that can wait is queued.
var ErrOffline = errors.New("destination not reachable")

// Queue is implemented by backends that queue objects locally while the
// destination cannot be reached.
type Queue interface {
	// Drain sends what is queued, oldest first (packs before the segments
	// that refer to them). It returns ErrOffline when the destination is
	// still unreachable.
	Drain(ctx context.Context) error
	// Pending says how much is queued.
	Pending() (objects int, bytes int64)
}

// Clock is implemented by backends whose destination keeps the time that
// counts (a server): versions recorded there use it, so a computer with a
// wrong clock cannot make them look older than they are.
type Clock interface {
	Now() time.Time
}

// Save writes a whole small object.
func Save(ctx context.Context, b Backend, kind Kind, name string, data []byte) error {
	up, err := b.Create(ctx, kind)
	if err != nil {
		return err
	}
	if _, err := up.Write(data); err != nil {
		up.Abort()
		return err
	}
	return up.Commit(name)
}

// Load reads a whole object; max bounds its size (an untrusted destination
// must not make us allocate without limit).
func Load(ctx context.Context, b Backend, kind Kind, name string, max int64) ([]byte, error) {
	o, err := b.Open(ctx, kind, name)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	if o.Size() > max {
		return nil, fmt.Errorf("%s/%s is %d bytes, more than the %d expected", kind, name, o.Size(), max)
	}
	buf := make([]byte, o.Size())
	if _, err := o.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s/%s: %w", kind, name, err)
	}
	return buf, nil
}

var validName = regexp.MustCompile(`^[0-9A-Za-z_-][0-9A-Za-z._-]{0,127}$`)

// ValidName reports whether name is acceptable as an object name: letters,
// digits, '.', '_' and '-', not starting with '.', at most 128 bytes. Names
// that come from a destination are checked with it before use.
func ValidName(name string) bool { return validName.MatchString(name) }

// CheckName returns an error for an invalid name.
func CheckName(kind Kind, name string) error {
	if !ValidName(name) {
		return fmt.Errorf("invalid object name %q in %s", name, kind)
	}
	return nil
}
