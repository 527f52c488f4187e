package backup

import (
	"sync"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/repo"
)

// chunkTask is one chunk of a file on its way to the archive.
type chunkTask struct {
	a    *attempt
	slot *engine.ChunkID
	blk  *block
	data []byte
}

// work hashes chunks, and compresses, seals and stores those the archive
// does not have yet.
func (p *pass) work() error {
	w := p.r.NewWorker()
	var plain, sealed []byte
	zeros := zeroChunks{}
	sum := func(b []byte) engine.ChunkID { return engine.ChunkID(w.IDs.Sum(b)) }
	for t := range p.chunks {
		id := zeros.id(t.data, sum)
		*t.slot = id
		waiting, err := p.flights.claim(p, id, t.a)
		if err != nil {
			t.blk.release()
			return err
		}
		if waiting == claimed {
			plain = append(plain[:0], 0)
			var algo byte
			plain, algo = compressInto(w, plain, t.data)
			plain[0] = algo
			sealed, err = pack.SealChunk(w.Data, sealed[:0], id, plain)
			if err == nil {
				err = p.packer.Add(id, sealed, len(t.data))
			}
			if err != nil {
				t.blk.release()
				return err
			}
			p.res.chunksStored.Add(1)
			for _, a := range p.flights.stored(id) {
				p.releaseAttempt(a)
			}
		} else if waiting == known {
			p.res.chunksDeduped.Add(1)
		}
		t.blk.release()
		if waiting != queued {
			p.releaseAttempt(t.a)
		}
	}
	return nil
}

func compressInto(w *repo.Worker, dst, src []byte) ([]byte, byte) {
	out, algo := w.Compressor.Compress(dst, src)
	return out, byte(algo)
}

// flights tracks chunks stored during this pass and not yet in the index, so
// that a chunk met twice is stored once, and a file is only finished when
// every chunk it uses is on its way to the destination.
type flights struct {
	mu    sync.Mutex
	m     map[engine.ChunkID]*flight
	fresh *newChunks // when the archive had no chunks as the pass began; else nil
}

type flight struct {
	stored  bool
	waiters []*attempt
}

func newFlights() *flights { return &flights{m: map[engine.ChunkID]*flight{}} }

type claim int

const (
	known   claim = iota // already stored: nothing to do
	claimed              // the caller must store it, then call stored
	queued               // another worker is storing it; the attempt waits for it
)

func (f *flights) lookup(id engine.ChunkID, a *attempt) (claim, bool) {
	fl, ok := f.m[id]
	if !ok {
		return 0, false
	}
	if fl.stored {
		return known, true
	}
	fl.waiters = append(fl.waiters, a)
	return queued, true
}

func (f *flights) claim(p *pass, id engine.ChunkID, a *attempt) (claim, error) {
	f.mu.Lock()
	c, ok := f.lookup(id, a)
	if !ok && f.fresh != nil && !f.fresh.seen(&id) {
		f.fresh.add(&id)
		f.m[id] = &flight{}
		f.mu.Unlock()
		return claimed, nil // new to the archive: the index cannot have it
	}
	f.mu.Unlock()
	if ok {
		return c, nil
	}
	if _, ok, err := p.r.Index().Chunk(p.r.Dest(), id); err != nil {
		return 0, err
	} else if ok {
		return known, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.lookup(id, a); ok {
		return c, nil
	}
	if f.fresh != nil {
		f.fresh.add(&id)
	}
	f.m[id] = &flight{}
	return claimed, nil
}

// stored marks a claimed chunk as stored and returns the attempts that waited.
func (f *flights) stored(id engine.ChunkID) []*attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.m[id]
	if fl == nil {
		return nil
	}
	fl.stored = true
	w := fl.waiters
	fl.waiters = nil
	return w
}

// forget drops chunks that are now in the index.
func (f *flights) forget(packs []repo.FinishedPack) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, pk := range packs {
		for _, e := range pk.Entries {
			if fl := f.m[e.ID]; fl != nil && fl.stored {
				delete(f.m, e.ID)
			}
		}
	}
}
