package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// CheckOptions say what Check may change.
type CheckOptions struct {
	// Fix repairs what can be repaired without losing anything: strays
	// and interrupted deletions go to the trash, interrupted restores are
	// finished, records of trashed objects whose file is gone are
	// forgotten, usage is recounted, leftovers of uploads older than a day
	// are removed.
	Fix bool
	// ForgetMissing also forgets the records of live objects whose file is
	// gone, so clients see them missing and can upload them again. Off by
	// default: a disk that is not mounted looks the same.
	ForgetMissing bool
}

// Problem is one disagreement between the records and the files.
type Problem struct {
	What  string // words for the administrator
	Fixed string // what was done about it; empty if nothing
}

// CheckReport is what Check found.
type CheckReport struct {
	Records  int // objects recorded
	Files    int // files found
	Problems []Problem
}

// Unfixed counts the problems left as they were.
func (r CheckReport) Unfixed() int {
	n := 0
	for _, p := range r.Problems {
		if p.Fixed == "" {
			n++
		}
	}
	return n
}

// Check compares the records with the files and, with o.Fix, repairs what
// is safe to repair. It can run while the server runs: every repair is
// decided again under the commit lock.
func (v *Vault) Check(ctx context.Context, o CheckOptions) (CheckReport, error) {
	var rep CheckReport
	if err := v.checkRecords(ctx, o, &rep); err != nil {
		return rep, err
	}
	if err := v.checkFiles(ctx, o, &rep); err != nil {
		return rep, err
	}
	diffs, err := v.rec.RecountUsage(ctx, o.Fix)
	if err != nil {
		return rep, err
	}
	for _, d := range diffs {
		p := Problem{What: fmt.Sprintf("usage of %s is recorded as %d bytes; the objects add up to %d", d.User, d.Recorded, d.Actual)}
		if o.Fix {
			p.Fixed = "recounted"
		}
		rep.Problems = append(rep.Problems, p)
	}
	if o.Fix {
		if n, err := v.blobs.CleanTemp(ctx, v.now().Add(-24*time.Hour)); err == nil && n > 0 {
			rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf("%d unfinished uploads older than a day", n), Fixed: "removed"})
		}
	}
	return rep, nil
}

func (v *Vault) checkRecords(ctx context.Context, o CheckOptions, rep *CheckReport) error {
	var after int64
	for {
		batch, err := v.rec.Objects(ctx, records.ObjectQuery{State: records.AnyState, AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, obj := range batch {
			after = obj.ID
			rep.Records++
			if err := v.checkRecord(ctx, o, obj, rep); err != nil {
				return err
			}
		}
	}
}

func trashID(o records.Object) int64 {
	if o.Live() {
		return 0
	}
	return o.ID
}

func (v *Vault) checkRecord(ctx context.Context, o CheckOptions, obj records.Object, rep *CheckReport) error {
	r := ref(obj)
	info, err := v.blobs.Stat(ctx, r, trashID(obj))
	if err == nil {
		if info.Size != obj.Size {
			rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf("%s (%s of %s) is recorded with %d bytes but its file has %d: damaged",
				r, obj.DeviceName, obj.UserName, obj.Size, info.Size)})
		}
		return nil
	}
	if !errors.Is(err, blobs.ErrNotFound) {
		return err
	}
	p := Problem{What: fmt.Sprintf("%s (%s of %s) has no file", r, obj.DeviceName, obj.UserName)}
	if !obj.Live() {
		p.What = fmt.Sprintf("%s (%s of %s), in the trash since %s, has no file", r, obj.DeviceName, obj.UserName,
			obj.Deleted.Format(time.RFC3339))
		if o, ok, err := v.interrupted(ctx, r, obj.Size); err == nil && ok && o.ID == obj.ID {
			if _, err := v.rec.LiveObject(ctx, r.Device, r.Kind, r.Name); errors.Is(err, records.ErrNotFound) {
				p.What = fmt.Sprintf("%s (%s of %s), in the trash since %s, is still under its name (a deletion or a restore cut short)",
					r, obj.DeviceName, obj.UserName, obj.Deleted.Format(time.RFC3339))
			}
		}
	}
	if o.Fix {
		err := v.withLock(ctx, func(ctx context.Context) error {
			var err error
			p.Fixed, err = v.fixRecord(ctx, o, obj.ID)
			return err
		})
		if err != nil {
			return err
		}
	}
	if p.Fixed != "-" {
		rep.Problems = append(rep.Problems, p)
	}
	return nil
}

// fixRecord repairs the record id whose file is missing, under the commit
// lock; "-" means it turned out fine meanwhile.
func (v *Vault) fixRecord(ctx context.Context, o CheckOptions, id int64) (string, error) {
	obj, err := v.rec.Object(ctx, id)
	if errors.Is(err, records.ErrNotFound) {
		return "-", nil
	}
	if err != nil {
		return "", err
	}
	r := ref(obj)
	if _, err := v.blobs.Stat(ctx, r, trashID(obj)); err == nil {
		return "-", nil
	}
	if obj.Live() {
		if info, err := v.blobs.Stat(ctx, r, obj.ID); err == nil && info.Size == obj.Size {
			if err := v.blobs.Restore(ctx, r, obj.ID); err != nil {
				return "", err
			}
			return "its file was in the trash (a restore cut short); moved back", nil
		}
		if !o.ForgetMissing {
			return "", nil
		}
		return "forgotten (--forget-missing): its device sees it missing and can upload it again", v.rec.PurgeObject(ctx, obj.ID)
	}
	if info, err := v.blobs.Stat(ctx, r, 0); err == nil && info.Size == obj.Size {
		if _, err := v.rec.LiveObject(ctx, r.Device, r.Kind, r.Name); errors.Is(err, records.ErrNotFound) {
			if err := v.blobs.Trash(ctx, r, obj.ID); err != nil {
				return "", err
			}
			return "its file was still under its name (a deletion cut short); moved to the trash", nil
		}
	}
	return "forgotten: nothing is left to restore", v.rec.PurgeObject(ctx, obj.ID)
}

func (v *Vault) checkFiles(ctx context.Context, o CheckOptions, rep *CheckReport) error {
	return v.blobs.Walk(ctx, func(e blobs.Entry) error {
		rep.Files++
		if e.TrashID != 0 {
			obj, err := v.rec.Object(ctx, e.TrashID)
			if err == nil && !obj.Live() && ref(obj) == e.Ref {
				return nil
			}
			if err != nil && !errors.Is(err, records.ErrNotFound) {
				return err
			}
			rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf(
				"%s in the trash (number %d) has no record; it is not counted anywhere: remove it by hand if it is not needed", e.Ref, e.TrashID)})
			return nil
		}
		if _, err := v.rec.LiveObject(ctx, e.Device, e.Kind, e.Name); err == nil {
			return nil
		} else if !errors.Is(err, records.ErrNotFound) {
			return err
		}
		if _, ok, err := v.interrupted(ctx, e.Ref, e.Size); err != nil {
			return err
		} else if ok {
			return nil // reported with its record
		}
		p := Problem{What: fmt.Sprintf("%s (%d bytes) is stored but not recorded (an upload cut short by a crash?)", e.Ref, e.Size)}
		if o.Fix {
			err := v.withLock(ctx, func(ctx context.Context) error {
				if _, err := v.rec.LiveObject(ctx, e.Device, e.Kind, e.Name); err == nil {
					p.Fixed = "-" // recorded meanwhile
					return nil
				}
				if _, err := v.blobs.Stat(ctx, e.Ref, 0); err != nil {
					p.Fixed = "-"
					return nil
				}
				p.Fixed = "moved to the trash, from which 'cairn-server trash restore' can bring it back"
				return v.resolveStray(ctx, e.Ref)
			})
			if err != nil {
				return err
			}
		}
		if p.Fixed != "-" {
			rep.Problems = append(rep.Problems, p)
		}
		return nil
	})
}
