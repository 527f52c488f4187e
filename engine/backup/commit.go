package backup

import (
	"time"

	"github.com/cairnbackup/cairn/engine"
)

// commit collects finished versions and commits them at checkpoints: the
// packs are flushed (durable), then repo.Commit writes the segment and the
// index. It returns when the versions channel is closed and the last
// checkpoint is made.
func (p *pass) commit() error {
	var pending []engine.Version
	tick := time.NewTicker(p.opts.CheckpointEvery)
	defer tick.Stop()
	checkpoint := func() error {
		packs, err := p.packer.Flush()
		if err != nil {
			return err
		}
		if len(packs) == 0 && len(pending) == 0 {
			return nil
		}
		if err := p.r.Commit(p.ctx, packs, pending); err != nil {
			return err
		}
		p.flights.forget(packs)
		p.res.versions.Add(int64(len(pending)))
		// Commit keeps nothing of them: the slice is reused, so a first
		// backup does not grow a new one to 20,000 versions per checkpoint.
		clear(pending)
		pending = pending[:0]
		return nil
	}
	for {
		select {
		case v, ok := <-p.versions:
			if !ok {
				if p.ctx.Err() != nil {
					return p.ctx.Err()
				}
				return checkpoint()
			}
			pending = append(pending, v)
			if len(pending) >= p.opts.CheckpointVersions {
				if err := checkpoint(); err != nil {
					return err
				}
			}
		case <-tick.C:
			if err := checkpoint(); err != nil {
				return err
			}
		case <-p.ctx.Done():
			return p.ctx.Err()
		}
	}
}
