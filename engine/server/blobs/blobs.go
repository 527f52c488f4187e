package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cairnbackup/cairn/engine/store"
)

// Errors. Methods wrap them with context.
var (
	// ErrNotFound: no such object (or trashed object).
	ErrNotFound = errors.New("not found")
	// ErrExists: Commit or Restore found the name taken; nothing was
	// replaced.
	ErrExists = errors.New("exists already")
	// ErrFull: the disk is full (ENOSPC, EDQUOT).
	ErrFull = errors.New("the server's disk is full")
	// ErrSize: the upload had fewer or more bytes than announced.
	ErrSize = errors.New("the upload's size differs from its announced length")
)

// Ref names an object. Each part is a store.ValidName.
type Ref struct {
	Device string
	Kind   string
	Name   string
}

func (r Ref) String() string { return r.Device + "/" + r.Kind + "/" + r.Name }

// Check returns an error unless every part of r is a valid name.
func (r Ref) Check() error {
	for _, p := range []string{r.Device, r.Kind, r.Name} {
		if !store.ValidName(p) {
			return fmt.Errorf("invalid object reference %q", r.String())
		}
	}
	return nil
}

// Info describes a stored file.
type Info struct {
	Size    int64
	ModTime time.Time
}

// Entry is a file found by Walk: a live object (TrashID 0) or a trashed one.
type Entry struct {
	Ref
	TrashID int64
	Info
}

// Object is an object opened for reading.
type Object interface {
	io.ReadSeeker
	io.ReaderAt
	io.Closer
	Size() int64
}

// Staged is an upload written and made durable under a temporary name.
// Commit or Discard must be called.
type Staged interface {
	// Commit names the upload ref; ErrExists when ref is taken (the staged
	// bytes then stay staged: Discard them, or Commit again).
	Commit(ref Ref) error
	// Discard removes the staged bytes; after a Commit it does nothing.
	Discard() error
}

// Store keeps objects' bytes. Implementations are safe for concurrent use;
// callers serialise the operations on one name (the server holds a lock
// around Commit, Trash, Restore and Purge). Every method honours ctx.
type Store interface {
	// Stage reads exactly size bytes from r and makes them durable under a
	// temporary name: ErrSize if r ends early or has more, ErrFull when the
	// disk is full.
	Stage(ctx context.Context, size int64, r io.Reader) (Staged, error)
	// Open opens a live object for reading.
	Open(ctx context.Context, ref Ref) (Object, error)
	// Stat describes a live object (trashID 0) or a trashed one.
	Stat(ctx context.Context, ref Ref, trashID int64) (Info, error)
	// Trash moves a live object to the trash under trashID.
	Trash(ctx context.Context, ref Ref, trashID int64) error
	// Restore moves a trashed object back under its name: ErrExists when
	// the name is taken.
	Restore(ctx context.Context, ref Ref, trashID int64) error
	// Purge deletes a trashed object for good; a missing one is not an
	// error.
	Purge(ctx context.Context, ref Ref, trashID int64) error
	// Walk calls fn for every live and trashed object, in no particular
	// order.
	Walk(ctx context.Context, fn func(Entry) error) error
	// CleanTemp removes staged uploads last written before before: the
	// leftovers of a crash. It returns how many it removed.
	CleanTemp(ctx context.Context, before time.Time) (int, error)
}

// Put stages and commits an object in one go.
func Put(ctx context.Context, s Store, ref Ref, size int64, r io.Reader) error {
	st, err := s.Stage(ctx, size, r)
	if err != nil {
		return err
	}
	if err := st.Commit(ref); err != nil {
		st.Discard()
		return err
	}
	return nil
}
