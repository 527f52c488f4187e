package throttle

import (
	"context"
	"io"

	"github.com/cairnbackup/cairn/engine/store"
)

// Backend returns b with the bytes written to its uploads held to l; reads,
// listings and removals pass through unchanged (a restore runs at full
// speed). A nil l returns b itself.
//
// The decorator implements only store.Backend, so the optional interfaces
// of the backend underneath (store.Queue, store.Clock, a concrete
// *remote.Backend) are hidden by it: callers type-assert on Unwrap(b), never
// on b.
//
// What is limited is the rate at which objects are written. A backend that
// sends each object as it is written (a folder on a network share) then
// sends at that rate. One that queues objects locally and sends each at
// Commit (the server client) is held to the rate on average, but sends each
// object at line speed, and sends what Queue.Drain drains without limit: a
// limit on the wire belongs in its transport (Limiter.Reader over the
// request body).
func Backend(b store.Backend, l *Limiter) store.Backend {
	if l == nil {
		return b
	}
	return &limitedBackend{Backend: b, l: l}
}

// Unwrap returns the backend under any decorators of this package (and of
// any other package whose decorator has an Unwrap() store.Backend method),
// for type assertions on optional interfaces:
//
//	if q, ok := throttle.Unwrap(b).(store.Queue); ok { ... }
func Unwrap(b store.Backend) store.Backend {
	for {
		u, ok := b.(interface{ Unwrap() store.Backend })
		if !ok {
			return b
		}
		b = u.Unwrap()
	}
}

type limitedBackend struct {
	store.Backend // everything but Create passes through
	l             *Limiter
}

// Unwrap returns the decorated backend.
func (b *limitedBackend) Unwrap() store.Backend { return b.Backend }

// Create implements store.Backend: the upload's writes wait on the limiter,
// with the ctx given here (an upload has no other).
func (b *limitedBackend) Create(ctx context.Context, kind store.Kind) (store.Upload, error) {
	up, err := b.Backend.Create(ctx, kind)
	if err != nil {
		return nil, err
	}
	return &limitedUpload{Upload: up, w: b.l.Writer(ctx, up)}, nil
}

type limitedUpload struct {
	store.Upload // Commit and Abort pass through
	w            io.Writer
}

func (u *limitedUpload) Write(p []byte) (int, error) { return u.w.Write(p) }
