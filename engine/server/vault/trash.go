package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// resolveStray moves a file found under r's name, which has no live record,
// to the trash. Called under the commit lock. If a trashed record of that
// name and size lacks its file (a Delete or a Restore cut short), the file
// is that record's; otherwise it is an upload that was never recorded (a
// crash after naming it), recorded now as deleted, so it waits out the grace
// window where an administrator can still restore it.
func (v *Vault) resolveStray(ctx context.Context, r blobs.Ref) error {
	info, err := v.blobs.Stat(ctx, r, 0)
	if err != nil {
		return fmt.Errorf("stray %s: %w", r, err)
	}
	o, ok, err := v.interrupted(ctx, r, info.Size)
	if err != nil {
		return err
	}
	if ok {
		v.log.Warn("finishing an interrupted deletion", "object", r.String(), "id", o.ID)
		return v.blobs.Trash(ctx, r, o.ID)
	}
	id, err := v.rec.AddObject(ctx, records.Object{Device: r.Device, Kind: r.Kind, Name: r.Name,
		Size: info.Size, Arrived: info.ModTime, Deleted: v.now()})
	if err != nil {
		return fmt.Errorf("record stray %s: %w", r, err)
	}
	v.log.Warn("an object stored without a record (after a crash?) was moved to the trash", "object", r.String(), "id", id, "size", info.Size)
	return v.blobs.Trash(ctx, r, id)
}

// interrupted finds the trashed record of r's name and size whose file is
// missing from the trash: the record of a file left under its name by a
// Delete or a Restore cut short.
func (v *Vault) interrupted(ctx context.Context, r blobs.Ref, size int64) (records.Object, bool, error) {
	trashed, err := v.rec.Objects(ctx, records.ObjectQuery{State: records.Trashed, Device: r.Device, Kind: r.Kind, Name: r.Name})
	if err != nil {
		return records.Object{}, false, err
	}
	slices.Reverse(trashed) // newest first
	for _, o := range trashed {
		if o.Size != size {
			continue
		}
		if _, err := v.blobs.Stat(ctx, r, o.ID); errors.Is(err, blobs.ErrNotFound) {
			return o, true, nil
		}
	}
	return records.Object{}, false, nil
}

// Restore brings one trashed object back: ErrLiveCopy when a live object
// has its name now.
func (v *Vault) Restore(ctx context.Context, id int64) error {
	return v.withLock(ctx, func(ctx context.Context) error {
		o, err := v.rec.Object(ctx, id)
		if errors.Is(err, records.ErrNotFound) {
			return fmt.Errorf("trashed object %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if o.Live() {
			return nil
		}
		r := ref(o)
		if _, err := v.rec.LiveObject(ctx, r.Device, r.Kind, r.Name); err == nil {
			return fmt.Errorf("%s: %w", r, ErrLiveCopy)
		}
		err = v.blobs.Restore(ctx, r, o.ID)
		if errors.Is(err, blobs.ErrExists) {
			if err := v.resolveStray(ctx, r); err != nil {
				return err
			}
			err = v.blobs.Restore(ctx, r, o.ID)
		}
		if errors.Is(err, blobs.ErrNotFound) {
			// A restore cut short after the move: the file is back already.
			if info, serr := v.blobs.Stat(ctx, r, 0); serr == nil && info.Size == o.Size {
				err = nil
			}
		}
		if err != nil {
			return fmt.Errorf("restore %s: %w", r, err)
		}
		return v.rec.RestoreObject(ctx, o.ID)
	})
}

// RestoreReport says what RestoreTrash did.
type RestoreReport struct {
	Restored int
	Bytes    int64
	// Skipped are objects whose name a live object has now.
	Skipped []records.Object
	// Failed are objects that could not be restored, with why.
	Failed []error
}

// RestoreTrash restores the trashed objects q selects (q.State is ignored).
// Of several trashed generations of one name, the last deleted comes back.
func (v *Vault) RestoreTrash(ctx context.Context, q records.ObjectQuery) (RestoreReport, error) {
	var rep RestoreReport
	q.State = records.Trashed
	objs, err := v.rec.Objects(ctx, q)
	if err != nil {
		return rep, err
	}
	newest := map[blobs.Ref]records.Object{}
	var order []blobs.Ref
	for _, o := range objs {
		r := ref(o)
		prev, seen := newest[r]
		if !seen {
			order = append(order, r)
		}
		if !seen || o.Deleted.After(prev.Deleted) {
			newest[r] = o
		}
	}
	for _, r := range order {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		o := newest[r]
		err := v.Restore(ctx, o.ID)
		switch {
		case err == nil:
			rep.Restored++
			rep.Bytes += o.Size
		case errors.Is(err, ErrLiveCopy):
			rep.Skipped = append(rep.Skipped, o)
		default:
			rep.Failed = append(rep.Failed, err)
		}
	}
	return rep, nil
}

// PurgeExpired deletes for good the objects trashed before before. It
// returns how many and how many bytes it purged.
func (v *Vault) PurgeExpired(ctx context.Context, before time.Time) (int, int64, error) {
	var n int
	var bytes int64
	for {
		batch, err := v.rec.Objects(ctx, records.ObjectQuery{State: records.Trashed, DeletedBefore: before, Limit: 500})
		if err != nil || len(batch) == 0 {
			return n, bytes, err
		}
		for _, o := range batch {
			if err := ctx.Err(); err != nil {
				return n, bytes, err
			}
			purged := false
			err := v.withLock(ctx, func(ctx context.Context) error {
				cur, err := v.rec.Object(ctx, o.ID)
				if errors.Is(err, records.ErrNotFound) || err == nil && (cur.Live() || !cur.Deleted.Before(before)) {
					return nil // restored or purged meanwhile
				}
				if err != nil {
					return err
				}
				if err := v.blobs.Purge(ctx, ref(o), o.ID); err != nil {
					return err
				}
				purged = true
				return v.rec.PurgeObject(ctx, o.ID)
			})
			if err != nil {
				return n, bytes, fmt.Errorf("purge %s: %w", ref(o), err)
			}
			if purged {
				n++
				bytes += o.Size
			}
		}
	}
}
