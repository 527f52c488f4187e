package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/store"
)

// SyncReport says what Sync found at the destination that the index did not
// know, and what the index knew that is gone.
type SyncReport struct {
	NewPacks, NewSegments, NewVersions int
	MissingPacks                       []string // packs the index knew that are gone
	DamagedPacks                       []string // packs whose table could not be read
	MissingSegments                    int
	LostChunks                         int // chunks that were only in missing packs
	InvalidatedFiles                   int // files that will be read again by the next backup
	Took                               time.Duration
}

// Sync brings the index up to date with the destination: packs and segments
// written by a run that was cut off (or by the previous owner of an adopted
// archive) are read in; packs that disappeared are forgotten, and the files
// whose data was in them will be read again by the next backup.
func (r *Repo) Sync(ctx context.Context) (SyncReport, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := time.Now()
	var rep SyncReport
	if err := r.syncPacks(ctx, &rep); err != nil {
		return rep, err
	}
	if err := r.syncSegments(ctx, &rep); err != nil {
		return rep, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func (r *Repo) syncPacks(ctx context.Context, rep *SyncReport) error {
	atDest := map[index.PackName]int64{}
	if err := r.backend.List(ctx, store.KindPack, func(name string, size int64) error {
		if n, ok := index.ParsePackName(name); ok {
			atDest[n] = size
		}
		return nil
	}); err != nil {
		return fmt.Errorf("list packs at %s: %w", r.backend.Location(), err)
	}
	damaged, err := r.ix.Damaged(r.dest)
	if err != nil {
		return err
	}
	for _, n := range damaged {
		delete(atDest, n) // reported already; prune removes it
	}
	var missing []index.PackInfo
	if err := r.ix.Packs(r.dest, func(p index.PackInfo) error {
		if _, ok := atDest[p.Name]; ok {
			delete(atDest, p.Name)
		} else {
			missing = append(missing, p)
		}
		return nil
	}); err != nil {
		return err
	}
	for name, size := range atDest {
		if err := r.ingestPack(ctx, name, size, rep); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return r.forgetPacks(missing, rep)
	}
	return nil
}

func (r *Repo) ingestPack(ctx context.Context, name index.PackName, size int64, rep *SyncReport) error {
	o, err := r.backend.Open(ctx, store.KindPack, name.String())
	if err != nil {
		return err
	}
	entries, err := pack.ReadTable(o, size, r.metaSealer())
	o.Close()
	if errors.Is(err, pack.ErrFormat) {
		// A pack cut short by a crash is never renamed into place, so this is
		// damage at the destination; its chunks will be stored again.
		rep.DamagedPacks = append(rep.DamagedPacks, name.String())
		w := r.ix.Writer(r.dest)
		w.SetDamaged(name)
		return w.Flush()
	}
	if err != nil {
		return fmt.Errorf("read pack %s: %w", name, err)
	}
	info := index.PackInfo{Num: r.nextPack.Add(1) - 1, Name: name, Size: size, Chunks: uint32(len(entries))}
	w := r.ix.Writer(r.dest)
	w.PutPack(info)
	for _, e := range entries {
		if _, ok, err := r.ix.Chunk(r.dest, e.ID); err != nil {
			w.Cancel()
			return err
		} else if !ok {
			w.PutChunk(e.ID, index.Location{Pack: info.Num, Offset: e.Offset, Length: e.Length, RawLength: e.RawLength})
		}
	}
	r.saveCounters(w)
	rep.NewPacks++
	return w.Flush()
}

// forgetPacks removes packs that are gone from the index, with their chunks,
// and makes the next backup re-read every file whose current version used them.
func (r *Repo) forgetPacks(missing []index.PackInfo, rep *SyncReport) error {
	gone := map[uint32]bool{}
	w := r.ix.Writer(r.dest)
	for _, p := range missing {
		gone[p.Num] = true
		rep.MissingPacks = append(rep.MissingPacks, p.Name.String())
		w.DeletePack(p)
	}
	if err := r.ix.Chunks(r.dest, func(id engine.ChunkID, loc index.Location) error {
		if gone[loc.Pack] {
			w.DeleteChunk(id)
			rep.LostChunks++
		}
		return nil
	}); err != nil {
		w.Cancel()
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	n, err := r.InvalidateMissing()
	rep.InvalidatedFiles = n
	return err
}

// InvalidateMissing drops the change-detection state of every live file whose
// newest version references a chunk the index does not have, so the next
// backup reads it again and stores its data anew. It returns how many.
func (r *Repo) InvalidateMissing() (int, error) {
	var stale []string
	err := r.ix.StatTree(r.dest, "/", func(path string, s index.Stat) error {
		e, ok, err := r.ix.At(r.dest, path, index.View{At: index.Latest})
		if err != nil || !ok {
			return err
		}
		for _, id := range e.Version.Chunks {
			if _, ok, err := r.ix.Chunk(r.dest, id); err != nil {
				return err
			} else if !ok {
				stale = append(stale, path)
				break
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	w := r.ix.Writer(r.dest)
	for _, p := range stale {
		w.DeleteStat(p)
	}
	return len(stale), w.Flush()
}

func (r *Repo) syncSegments(ctx context.Context, rep *SyncReport) error {
	atDest := map[string]int64{}
	if err := r.backend.List(ctx, store.KindSegment, func(name string, size int64) error {
		atDest[name] = size
		return nil
	}); err != nil {
		return fmt.Errorf("list version segments: %w", err)
	}
	missing := map[string]uint32{}
	if err := r.ix.Segments(r.dest, func(name string, info index.SegmentInfo) error {
		if _, ok := atDest[name]; ok {
			delete(atDest, name)
		} else {
			missing[name] = info.Num
		}
		return nil
	}); err != nil {
		return err
	}
	rep.MissingSegments = len(missing)
	w := r.ix.Writer(r.dest)
	for name, num := range missing {
		w.DeleteSegment(name, num)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for name, size := range atDest {
		if err := r.ingestSegment(ctx, name, size, rep); err != nil {
			return err
		}
	}
	return nil
}

func (r *Repo) ingestSegment(ctx context.Context, name string, size int64, rep *SyncReport) error {
	versions, err := r.readSegment(ctx, name)
	if err != nil {
		return err
	}
	num := r.nextSeg.Add(1) - 1
	w := r.ix.Writer(r.dest)
	for i := range versions {
		w.PutVersion(&versions[i], num)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	// The stat of a path follows its newest version, whatever order segments
	// are read in.
	seen := map[string]bool{}
	for i := range versions {
		p := versions[i].Path
		if seen[p] {
			continue
		}
		seen[p] = true
		v, ok, err := r.ix.Newest(r.dest, p)
		if err != nil {
			return err
		}
		if ok {
			if v.Deleted {
				w.DeleteStat(p)
			} else {
				w.PutStat(p, index.StatOf(&v))
			}
		}
	}
	w.PutSegment(name, index.SegmentInfo{Num: num, Records: uint32(len(versions)), Size: size})
	r.saveCounters(w)
	rep.NewSegments++
	rep.NewVersions += len(versions)
	return w.Flush()
}

// RebuildIndex forgets everything the index knows about this archive and
// reads it again from the destination: pack tables and version segments.
func (r *Repo) RebuildIndex(ctx context.Context) (SyncReport, error) {
	if err := r.ix.DropDest(r.dest); err != nil {
		return SyncReport{}, fmt.Errorf("clear index: %w", err)
	}
	r.nextPack.Store(1)
	r.nextSeg.Store(1)
	return r.Sync(ctx)
}
