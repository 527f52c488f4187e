package device

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/prune"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/verify"
)

// Verify checks a destination's archive.
func (d *Device) Verify(ctx context.Context, dest string, o verify.Options) (verify.Report, error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return verify.Report{}, err
	}
	rep, err := verify.Run(ctx, r, o)
	if err == nil {
		d.setMeta(r, "lastverify", time.Now())
	}
	return rep, err
}

// Prune applies the retention policy to a destination and frees space.
// budget bounds the time spent rewriting packs (0 = no limit).
func (d *Device) Prune(ctx context.Context, dest string, budget time.Duration) (prune.Result, error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return prune.Result{}, err
	}
	if err := checkClock(r); err != nil {
		return prune.Result{}, err
	}
	res, err := prune.Run(ctx, r, prune.Options{Policy: d.conf().Retention, Now: time.Now(), Budget: budget})
	if err == nil && !res.GC.Unfinished {
		d.setMeta(r, "lastprune", time.Now())
	}
	return res, err
}

// RepairIndex rebuilds the index of a destination from the destination alone.
func (d *Device) RepairIndex(ctx context.Context, dest string) (repo.SyncReport, error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return repo.SyncReport{}, err
	}
	return r.RebuildIndex(ctx)
}

func (d *Device) setMeta(r *repo.Repo, name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	w := d.ix.Writer(r.Dest())
	w.SetMeta(name, b)
	w.Flush()
}

func (d *Device) getMeta(dst index.Dest, name string, v any) bool {
	b, err := d.ix.Meta(dst, name)
	if err != nil || b == nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}
