package repo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/store"
)

// ForgetVersions removes versions from the index and notes the segments
// that hold them for RewriteSegments. The note is written first, so a crash
// at any point leaves the work to be finished by the next prune.
func (r *Repo) ForgetVersions(drops []index.Stored) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.ix.Writer(r.dest)
	segs := map[uint32]bool{}
	for _, v := range drops {
		if !segs[v.Segment] {
			segs[v.Segment] = true
			w.SetPending(v.Segment)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, v := range drops {
		w.DeleteVersion(v.Path, v.Recorded)
	}
	return w.Flush()
}

// SegmentStats describes what RewriteSegments did.
type SegmentStats struct {
	Rewritten, Written, Records int
}

// RewriteSegments replaces the segments noted by ForgetVersions, and small
// segments when there are many, by new segments holding only the versions
// the index still has. New segments are written and indexed before the old
// ones are removed, so the destination never lacks a version the index has.
func (r *Repo) RewriteSegments(ctx context.Context) (SegmentStats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var st SegmentStats
	todo, err := r.ix.Pending(r.dest)
	if err != nil {
		return st, err
	}
	small, err := r.smallSegments()
	if err != nil {
		return st, err
	}
	todo = append(todo, small...)
	slices.Sort(todo)
	todo = slices.Compact(todo)
	g := &rewriteGroup{r: r, sw: r.newSegmentWriter()}
	for _, num := range todo {
		if err := g.add(ctx, num, &st); err != nil {
			return st, err
		}
		if g.sw.count >= 100_000 || len(g.pending) >= 100_000 {
			if err := g.commit(ctx, &st); err != nil {
				return st, err
			}
		}
	}
	return st, g.commit(ctx, &st)
}

// smallSegments returns the segments under 256 KiB when there are more than
// 32 of them: each backup writes at least one, and continuous backup many.
func (r *Repo) smallSegments() ([]uint32, error) {
	var small []uint32
	err := r.ix.Segments(r.dest, func(_ string, info index.SegmentInfo) error {
		if info.Size < 256<<10 {
			small = append(small, info.Num)
		}
		return nil
	})
	if len(small) <= 32 {
		return nil, err
	}
	return small, err
}

type rewriteGroup struct {
	r       *Repo
	sw      *segmentWriter
	pending []index.Stored // survivors with the ordinal of their new segment in Segment
	old     []oldSegment
}

type oldSegment struct {
	name string
	num  uint32
}

func (g *rewriteGroup) add(ctx context.Context, num uint32, st *SegmentStats) error {
	r := g.r
	name, ok, err := r.ix.SegmentName(r.dest, num)
	if err != nil {
		return err
	}
	if !ok {
		w := r.ix.Writer(r.dest)
		w.ClearPending(num)
		return w.Flush()
	}
	versions, err := r.readSegment(ctx, name)
	if err != nil {
		return fmt.Errorf("rewrite version records: %w", err)
	}
	for i := range versions {
		v := &versions[i]
		seg, ok, err := r.ix.VersionSegment(r.dest, v.Path, v.Recorded)
		if err != nil {
			return err
		}
		if !ok || seg != num {
			continue // removed by prune, or held by another segment
		}
		ord, err := g.sw.add(ctx, v)
		if err != nil {
			return err
		}
		g.pending = append(g.pending, index.Stored{Version: *v, Segment: uint32(ord)})
	}
	g.old = append(g.old, oldSegment{name, num})
	st.Rewritten++
	return nil
}

func (g *rewriteGroup) commit(ctx context.Context, st *SegmentStats) error {
	r := g.r
	if len(g.old) == 0 {
		return nil
	}
	if err := g.sw.flush(ctx); err != nil {
		return err
	}
	base := g.sw.number()
	w := r.ix.Writer(r.dest)
	for i := range g.pending {
		w.PutVersion(&g.pending[i].Version, base+g.pending[i].Segment)
	}
	for _, s := range g.sw.out {
		w.PutSegment(s.name, s.info)
	}
	r.saveCounters(w)
	if err := w.Flush(); err != nil {
		return err
	}
	for _, o := range g.old {
		if err := r.backend.Remove(ctx, store.KindSegment, o.name); err != nil {
			return err
		}
		w.DeleteSegment(o.name, o.num)
		w.ClearPending(o.num)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	st.Written += len(g.sw.out)
	st.Records += len(g.pending)
	g.sw, g.pending, g.old = r.newSegmentWriter(), nil, nil
	return nil
}

// GCOptions configure CollectGarbage.
type GCOptions struct {
	// RepackBelow: a pack whose live bytes are below this share of its size
	// is rewritten. Default 0.5 (restic's default is similar): rewriting
	// costs reading and writing the live half, and frees the other.
	RepackBelow float64
	// SmallPack: packs smaller than this are merged when there are several.
	// Default an eighth of the pack size.
	SmallPack int64
	// Budget bounds the time spent repacking (0 = no limit); what is left is
	// done by the next prune, so pruning never holds backups up for long.
	Budget time.Duration
}

// GCStats describes what CollectGarbage did.
type GCStats struct {
	Chunks, LiveChunks        int64
	PacksDeleted, PacksRepack int
	BytesFreed                int64
	Unfinished                bool // the budget ran out
}

type packUse struct {
	live, dead int64
	info       index.PackInfo
}

// CollectGarbage frees chunks no version uses: packs with nothing live are
// deleted, mostly-dead and small packs are rewritten with their live chunks
// (copied sealed, not re-encrypted). The mark set lives in the index on disk,
// so memory stays flat for any archive size. Call after RewriteSegments.
func (r *Repo) CollectGarbage(ctx context.Context, o GCOptions) (GCStats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var st GCStats
	if o.RepackBelow <= 0 {
		o.RepackBelow = 0.5
	}
	if o.SmallPack <= 0 {
		o.SmallPack = r.cfg.PackSize / 8
	}
	if pending, err := r.ix.Pending(r.dest); err != nil || len(pending) > 0 {
		return st, fmt.Errorf("version segments still to be rewritten; not freeing space yet (%v)", err)
	}
	if err := r.mark(); err != nil {
		return st, err
	}
	defer r.ix.ClearMarks(r.dest)
	use := map[uint32]*packUse{}
	if err := r.ix.Packs(r.dest, func(p index.PackInfo) error {
		use[p.Num] = &packUse{info: p}
		return nil
	}); err != nil {
		return st, err
	}
	if err := r.ix.Sweep(r.dest, func(id engine.ChunkID, loc index.Location, used bool) error {
		st.Chunks++
		u := use[loc.Pack]
		if u == nil {
			return nil
		}
		if used {
			st.LiveChunks++
			u.live += int64(loc.Length)
		} else {
			u.dead += int64(loc.Length)
		}
		return nil
	}); err != nil {
		return st, err
	}
	drop, repack := r.choosePacks(use, o)
	if err := r.rewritePacks(ctx, drop, repack, o, &st); err != nil {
		return st, err
	}
	return st, r.removeDamaged(ctx, &st)
}

// removeDamaged deletes the packs verify or Sync found damaged: nothing in
// the index uses them any more.
func (r *Repo) removeDamaged(ctx context.Context, st *GCStats) error {
	damaged, err := r.ix.Damaged(r.dest)
	if err != nil {
		return err
	}
	w := r.ix.Writer(r.dest)
	for _, n := range damaged {
		size, _ := r.backend.Stat(ctx, store.KindPack, n.String())
		if err := r.backend.Remove(ctx, store.KindPack, n.String()); err != nil {
			return err
		}
		st.BytesFreed += size
		st.PacksDeleted++
		w.ClearDamaged(n)
	}
	return w.Flush()
}

// mark records every chunk any version in the index uses.
func (r *Repo) mark() error {
	if err := r.ix.ClearMarks(r.dest); err != nil {
		return err
	}
	w := r.ix.Writer(r.dest)
	n := 0
	err := r.ix.Histories(r.dest, func(_ string, vs []index.Stored) error {
		for i := range vs {
			for _, id := range vs[i].Chunks {
				w.Mark(id)
				if n++; n%100_000 == 0 {
					if err := w.Flush(); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		w.Cancel()
		return err
	}
	return w.Flush()
}

func (r *Repo) choosePacks(use map[uint32]*packUse, o GCOptions) (drop, repack map[uint32]bool) {
	drop, repack = map[uint32]bool{}, map[uint32]bool{}
	var small []uint32
	for num, u := range use {
		switch {
		case u.live == 0:
			drop[num] = true
		case float64(u.live) < o.RepackBelow*float64(u.info.Size):
			repack[num] = true
		case u.info.Size < o.SmallPack:
			small = append(small, num)
		}
	}
	if len(small) > 1 {
		for _, n := range small {
			repack[n] = true
		}
	}
	return drop, repack
}

// rewritePacks copies the live chunks of repack packs into new packs, then
// updates the index, then deletes the old packs and the dead ones.
func (r *Repo) rewritePacks(ctx context.Context, drop, repack map[uint32]bool, o GCOptions, st *GCStats) error {
	start := time.Now()
	type move struct {
		id  engine.ChunkID
		loc index.Location
	}
	var moves []move
	var deadIDs []engine.ChunkID
	if err := r.ix.Sweep(r.dest, func(id engine.ChunkID, loc index.Location, used bool) error {
		switch {
		case drop[loc.Pack] || (repack[loc.Pack] && !used):
			deadIDs = append(deadIDs, id)
		case repack[loc.Pack]:
			moves = append(moves, move{id, loc})
		}
		return nil
	}); err != nil {
		return err
	}
	slices.SortFunc(moves, func(a, b move) int {
		if a.loc.Pack != b.loc.Pack {
			return int(a.loc.Pack) - int(b.loc.Pack)
		}
		return int(a.loc.Offset) - int(b.loc.Offset)
	})
	packer := r.newPackerLocked(ctx)
	done := map[uint32]bool{}
	var buf []byte
	var obj store.Object
	var cur uint32
	closeObj := func() {
		if obj != nil {
			obj.Close()
			obj = nil
		}
	}
	defer closeObj()
	for i, m := range moves {
		if m.loc.Pack != cur || obj == nil {
			if obj != nil {
				done[cur] = true
			}
			if o.Budget > 0 && time.Since(start) > o.Budget {
				st.Unfinished = true
				break
			}
			closeObj()
			info, err := r.ix.Pack(r.dest, m.loc.Pack)
			if err != nil {
				return err
			}
			if obj, err = r.backend.Open(ctx, store.KindPack, info.Name.String()); err != nil {
				packer.Abort()
				return fmt.Errorf("repack %s: %w", info.Name, err)
			}
			cur = m.loc.Pack
		}
		buf = slices.Grow(buf[:0], int(m.loc.Length))[:m.loc.Length]
		if _, err := obj.ReadAt(buf, int64(m.loc.Offset)); err != nil {
			packer.Abort()
			return fmt.Errorf("repack: read chunk: %w", err)
		}
		if err := packer.Add(m.id, buf, int(m.loc.RawLength)); err != nil {
			packer.Abort()
			return err
		}
		if i == len(moves)-1 {
			done[cur] = true
		}
	}
	closeObj()
	finished, err := packer.Flush()
	if err != nil {
		return err
	}
	for num := range repack {
		if !done[num] && !st.Unfinished {
			done[num] = true // nothing live to move
		}
	}
	w := r.ix.Writer(r.dest)
	putPacks(w, finished)
	for _, id := range deadIDs {
		if loc, ok, _ := r.ix.Chunk(r.dest, id); ok && (drop[loc.Pack] || done[loc.Pack]) {
			w.DeleteChunk(id)
		}
	}
	var gone []index.PackInfo
	for num := range drop {
		done[num] = true
	}
	for num := range done {
		info, err := r.ix.Pack(r.dest, num)
		if err != nil {
			continue
		}
		w.DeletePack(info)
		gone = append(gone, info)
	}
	r.saveCounters(w)
	if err := w.Flush(); err != nil {
		return err
	}
	for _, info := range gone {
		if err := r.backend.Remove(ctx, store.KindPack, info.Name.String()); err != nil {
			return err
		}
		st.BytesFreed += info.Size
		if drop[info.Num] {
			st.PacksDeleted++
		} else {
			st.PacksRepack++
		}
	}
	for _, f := range finished {
		st.BytesFreed -= f.Info.Size
	}
	return nil
}
