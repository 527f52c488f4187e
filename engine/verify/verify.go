// Package verify checks that an archive can restore what its index says it
// holds, names the files that damage affects, and arranges for the next
// backup to store those again where they are still on this computer.
//
// The quick check reads every pack's table (authenticated) and checks that
// every chunk every version needs is stored. The full check also reads every
// chunk, authenticates and decompresses it, and checks its keyed hash.
package verify

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
)

// Options configure a check.
type Options struct {
	Full    bool
	Workers int // default 2
	// Progress is called after each pack.
	Progress func(done, total int)
}

// Affected is a file some of whose versions cannot be restored.
type Affected struct {
	Path     string
	Versions int  // how many of its versions are damaged
	Newest   bool // its newest version is one of them
}

// Report is what a check found.
type Report struct {
	Packs, Chunks  int64
	Bytes          int64 // read in full mode
	Versions       int64
	MissingPacks   []string
	DamagedPacks   []string
	DamagedChunks  int64
	MissingChunks  int64
	Affected       []Affected
	WillBeBackedUp int // affected files still on this computer, to be stored again
	Took           time.Duration
}

// OK reports whether nothing is damaged.
func (r *Report) OK() bool {
	return len(r.MissingPacks) == 0 && len(r.DamagedPacks) == 0 && r.DamagedChunks == 0 &&
		r.MissingChunks == 0 && len(r.Affected) == 0
}

// Run checks r.
func Run(ctx context.Context, r *repo.Repo, o Options) (Report, error) {
	start := time.Now()
	if o.Workers <= 0 {
		o.Workers = 2
	}
	var rep Report
	sync, err := r.Sync(ctx)
	if err != nil {
		return rep, err
	}
	rep.MissingPacks = sync.MissingPacks
	rep.DamagedPacks = sync.DamagedPacks
	bad, err := checkPacks(ctx, r, o, &rep)
	if err != nil {
		return rep, err
	}
	if err := checkVersions(r, bad, &rep); err != nil {
		return rep, err
	}
	if err := repair(r, bad, &rep); err != nil {
		return rep, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// badSet is the set of chunks found damaged.
type badSet struct {
	mu sync.Mutex
	m  map[engine.ChunkID]bool
}

func (b *badSet) add(id engine.ChunkID) {
	b.mu.Lock()
	b.m[id] = true
	b.mu.Unlock()
}

func checkPacks(ctx context.Context, r *repo.Repo, o Options, rep *Report) (*badSet, error) {
	bad := &badSet{m: map[engine.ChunkID]bool{}}
	sizes := map[string]int64{}
	if err := r.Backend().List(ctx, store.KindPack, func(name string, size int64) error {
		sizes[name] = size
		return nil
	}); err != nil {
		return nil, err
	}
	var packs []index.PackInfo
	if err := r.Index().Packs(r.Dest(), func(p index.PackInfo) error {
		packs = append(packs, p)
		return nil
	}); err != nil {
		return nil, err
	}
	rep.Packs = int64(len(packs))
	// Which index entries point into each pack: a damaged pack makes them all bad.
	owners := map[uint32][]engine.ChunkID{}
	if err := r.Index().Chunks(r.Dest(), func(id engine.ChunkID, loc index.Location) error {
		rep.Chunks++
		owners[loc.Pack] = append(owners[loc.Pack], id)
		return nil
	}); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var done atomic.Int64
	var damagedPacks []index.PackInfo
	work := make(chan index.PackInfo)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(work)
		for _, p := range packs {
			select {
			case work <- p:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for i := 0; i < o.Workers; i++ {
		g.Go(func() error {
			w := r.NewWorker()
			for p := range work {
				damaged, read, err := checkPack(gctx, r, w, p, sizes[p.Name.String()], o.Full, bad)
				if err != nil {
					return err
				}
				atomic.AddInt64(&rep.Bytes, read)
				if damaged != "" {
					mu.Lock()
					rep.DamagedPacks = append(rep.DamagedPacks, p.Name.String()+": "+damaged)
					damagedPacks = append(damagedPacks, p)
					mu.Unlock()
					for _, id := range owners[p.Num] {
						bad.add(id)
					}
				}
				if o.Progress != nil {
					o.Progress(int(done.Add(1)), len(packs))
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Strings(rep.DamagedPacks)
	rep.DamagedChunks = int64(len(bad.m))
	// A damaged pack is no longer used: its chunks go from the index (below,
	// in repair), the pack is noted so it is reported once, and prune deletes it.
	w := r.Index().Writer(r.Dest())
	for _, p := range damagedPacks {
		w.DeletePack(p)
		w.SetDamaged(p.Name)
	}
	return bad, w.Flush()
}

// checkPack checks one pack. It returns a description when the whole pack
// is unusable; single damaged chunks go to bad.
func checkPack(ctx context.Context, r *repo.Repo, w *repo.Worker, p index.PackInfo, size int64, full bool, bad *badSet) (string, int64, error) {
	if size == 0 {
		return "missing", 0, nil
	}
	if size != p.Size {
		return fmt.Sprintf("size %d, expected %d (truncated or altered)", size, p.Size), 0, nil
	}
	obj, err := r.Backend().Open(ctx, store.KindPack, p.Name.String())
	if err != nil {
		return "cannot be opened: " + err.Error(), 0, nil
	}
	defer obj.Close()
	entries, err := pack.ReadTable(obj, size, repo.MetaSealer(r))
	if err != nil {
		return "table unreadable: " + err.Error(), 0, nil
	}
	if !full {
		return "", 0, nil
	}
	slices.SortFunc(entries, func(a, b pack.Entry) int { return int(a.Offset) - int(b.Offset) })
	var buf, plain []byte
	var read int64
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return "", read, err
		}
		// Only chunks the index uses from this very place matter; the rest
		// is garbage a prune will drop (an earlier repair may have stored
		// a damaged chunk again elsewhere).
		if loc, ok, err := r.Index().Chunk(r.Dest(), e.ID); err != nil {
			return "", read, err
		} else if !ok || loc.Pack != p.Num || loc.Offset != e.Offset {
			continue
		}
		buf = slices.Grow(buf[:0], int(e.Length))[:e.Length]
		if _, err := obj.ReadAt(buf, int64(e.Offset)); err != nil && err != io.EOF {
			bad.add(e.ID)
			continue
		}
		read += int64(e.Length)
		out, err := w.Opener.Open(plain[:0], e.ID, buf, int(e.RawLength))
		if err != nil || engine.ChunkID(w.IDs.Sum(out)) != e.ID {
			bad.add(e.ID)
			continue
		}
		plain = out
	}
	return "", read, nil
}

// checkVersions finds the versions that use damaged or missing chunks.
func checkVersions(r *repo.Repo, bad *badSet, rep *Report) error {
	ix, d := r.Index(), r.Dest()
	known := map[engine.ChunkID]bool{} // chunks confirmed present, bounded cache
	return ix.Histories(d, func(path string, vs []index.Stored) error {
		var a Affected
		for i := range vs {
			rep.Versions++
			damaged := false
			for _, id := range vs[i].Chunks {
				if bad.m[id] {
					damaged = true
					break
				}
				if known[id] {
					continue
				}
				if _, ok, err := ix.Chunk(d, id); err != nil {
					return err
				} else if !ok {
					rep.MissingChunks++
					bad.m[id] = true
					damaged = true
					break
				}
				if len(known) < 1<<16 {
					known[id] = true
				}
			}
			if damaged {
				a.Versions++
				a.Newest = i == len(vs)-1
			}
		}
		if a.Versions > 0 {
			a.Path = path
			rep.Affected = append(rep.Affected, a)
		}
		return nil
	})
}

// repair drops damaged chunks from the index and the change-detection state
// of files whose newest version needs them, so the next backup reads those
// files again and stores their data anew.
func repair(r *repo.Repo, bad *badSet, rep *Report) error {
	if len(bad.m) == 0 {
		return nil
	}
	w := r.Index().Writer(r.Dest())
	for id := range bad.m {
		w.DeleteChunk(id)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	n, err := r.InvalidateMissing()
	rep.WillBeBackedUp = n
	return err
}
