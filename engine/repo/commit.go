package repo

import (
	"context"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// Commit records versions whose chunks are all stored: first as a segment at
// the destination, then in the index, together with the packs that were
// finished (and are durable) since the last commit.
func (r *Repo) Commit(ctx context.Context, packs []FinishedPack, versions []engine.Version) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	sw := r.segmentWriterWith(r.segBuf)
	r.segBuf = nil
	defer func() { r.segBuf = sw.spare() }()
	ords := make([]int, len(versions))
	for i := range versions {
		var err error
		if ords[i], err = sw.add(ctx, &versions[i]); err != nil {
			return err
		}
	}
	if err := sw.flush(ctx); err != nil {
		return err
	}
	base := sw.number()
	w := r.ix.Writer(r.dest)
	putPacks(w, packs)
	for i := range versions {
		v := &versions[i]
		w.PutVersion(v, base+uint32(ords[i]))
		if v.Deleted {
			w.DeleteStat(v.Path)
		} else {
			w.PutStat(v.Path, index.StatOf(v))
		}
	}
	for _, s := range sw.out {
		w.PutSegment(s.name, s.info)
	}
	r.saveCounters(w)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("update index: %w", err)
	}
	return nil
}

func putPacks(w *index.Writer, packs []FinishedPack) {
	for _, p := range packs {
		w.PutPack(p.Info)
		for _, e := range p.Entries {
			w.PutChunk(e.ID, index.Location{Pack: p.Info.Num, Offset: e.Offset, Length: e.Length, RawLength: e.RawLength})
		}
	}
}

// saveCounters records the next pack and segment numbers.
func (r *Repo) saveCounters(w *index.Writer) {
	w.SetMetaInt("nextpack", int64(r.nextPack.Load()))
	w.SetMetaInt("nextseg", int64(r.nextSeg.Load()))
}
