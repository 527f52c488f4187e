package webarchive

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
)

// ErrReadOnly is returned by every write to a device source: the web side
// only ever reads a device's archive.
var ErrReadOnly = errors.New("a device's archive is read-only from the web")

// ObjectLister lists a device's live objects: the server's records
// (records.Store) do, from an indexed table.
type ObjectLister interface {
	Objects(ctx context.Context, q records.ObjectQuery) ([]records.Object, error)
}

// DeviceSource is a device's objects on the server as a read-only
// store.Backend, listed by walking the blob store. Walking visits every
// object of every device (blobs.Store has no listing per device), so on a
// server with many devices prefer DeviceSourceListed with the records,
// which is what the server's own API lists from.
func DeviceSource(st blobs.Store, deviceID string) store.Backend {
	return &source{blobs: st, device: deviceID}
}

// DeviceSourceListed is DeviceSource listing from the server's records: the
// source of truth for what a device has (an upload cut off between its
// bytes and its record does not count).
func DeviceSourceListed(st blobs.Store, rec ObjectLister, deviceID string) store.Backend {
	return &source{blobs: st, device: deviceID, rec: rec}
}

// source implements store.Backend over blobs. Safe for concurrent use.
type source struct {
	blobs  blobs.Store
	rec    ObjectLister // nil: walk the blobs
	device string
}

func (s *source) Location() string { return "device " + s.device + " on this server" }

func (s *source) ref(kind store.Kind, name string) (blobs.Ref, error) {
	r := blobs.Ref{Device: s.device, Kind: string(kind), Name: name}
	if err := r.Check(); err != nil {
		return r, err
	}
	return r, nil
}

// Open implements store.Backend.
func (s *source) Open(ctx context.Context, kind store.Kind, name string) (store.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := s.ref(kind, name)
	if err != nil {
		return nil, err
	}
	o, err := s.blobs.Open(ctx, r)
	if err != nil {
		return nil, mapErr(kind, name, err)
	}
	return o, nil
}

// Stat implements store.Backend.
func (s *source) Stat(ctx context.Context, kind store.Kind, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r, err := s.ref(kind, name)
	if err != nil {
		return 0, err
	}
	info, err := s.blobs.Stat(ctx, r, 0)
	if err != nil {
		return 0, mapErr(kind, name, err)
	}
	return info.Size, nil
}

// List implements store.Backend.
func (s *source) List(ctx context.Context, kind store.Kind, fn func(name string, size int64) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !store.ValidName(s.device) {
		return fmt.Errorf("invalid device %q", s.device)
	}
	if s.rec != nil {
		objs, err := s.rec.Objects(ctx, records.ObjectQuery{State: records.Live, Device: s.device, Kind: string(kind)})
		if err != nil {
			return err
		}
		for _, o := range objs {
			if err := fn(o.Name, o.Size); err != nil {
				return err
			}
		}
		return nil
	}
	return s.blobs.Walk(ctx, func(e blobs.Entry) error {
		if e.TrashID != 0 || e.Device != s.device || e.Kind != string(kind) {
			return nil
		}
		return fn(e.Name, e.Size)
	})
}

// Create implements store.Backend: refused.
func (s *source) Create(context.Context, store.Kind) (store.Upload, error) { return nil, ErrReadOnly }

// Remove implements store.Backend: refused.
func (s *source) Remove(context.Context, store.Kind, string) error { return ErrReadOnly }

// Close implements store.Backend: nothing to release (the blob store is
// the server's).
func (s *source) Close() error { return nil }

// mapErr gives blob errors the engine's sentinels, as store.Backend promises.
func mapErr(kind store.Kind, name string, err error) error {
	if errors.Is(err, blobs.ErrNotFound) {
		return fmt.Errorf("%s/%s: %w", kind, name, engine.ErrNotFound)
	}
	return err
}
