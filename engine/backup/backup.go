package backup

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
)

func defaultWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }

// pass is the state of one run, shared by its stages.
type pass struct {
	ctx    context.Context
	r      *repo.Repo
	opts   Options
	packer *repo.Packer
	names  *fs.Names
	start  time.Time

	files    chan *fileJob       // walker → readers
	chunks   chan chunkTask      // readers → workers
	versions chan engine.Version // everyone → committer
	blocks   *blockPool
	flights  *flights

	prog progress
	res  resultAcc

	walkSlots chan struct{}   // a token per walker besides the first (walk.go)
	walkers   *errgroup.Group // the walkers besides the first
}

// Run makes one backup pass of opts.Roots into r.
func Run(ctx context.Context, r *repo.Repo, opts Options) (Result, error) {
	if c, ok := r.Backend().(store.Clock); ok && opts.Now == nil {
		opts.Now = c.Now
	}
	opts.applyDefaults(r.Chunker().Params().Max)
	if opts.InUse != nil {
		// After every reader is done (Run returns after g.Wait): releases
		// the pass's snapshots. Its error is not the pass's.
		defer opts.InUse.Close()
	}
	p := &pass{
		r: r, opts: opts, names: fs.NewNames(), start: opts.Now(),
		files:    make(chan *fileJob, 256),
		chunks:   make(chan chunkTask, 64),
		versions: make(chan engine.Version, 1024),
		blocks:   newBlockPool(opts.Blocks, opts.BlockSize),
		flights:  newFlights(),
	}
	if opts.Walkers > 1 {
		p.walkSlots = make(chan struct{}, opts.Walkers-1)
	}
	if _, err := r.Sync(ctx); err != nil && !errors.Is(err, store.ErrOffline) {
		return Result{}, fmt.Errorf("read the archive's state: %w", err)
	} // offline: go on with what the index knows; new data is queued
	if !r.Index().HasChunks(r.Dest()) {
		p.flights.fresh = newNewChunks() // a first backup (newchunks.go)
	}
	g, gctx := errgroup.WithContext(ctx)
	p.ctx = gctx
	p.packer = r.NewPacker(gctx)

	stopProgress := p.startProgress()
	var walker, readers, workers sync.WaitGroup
	walker.Add(1)
	g.Go(func() error {
		defer walker.Done()
		defer close(p.files)
		return p.walk()
	})
	for i := 0; i < opts.Readers; i++ {
		readers.Add(1)
		g.Go(func() error { defer readers.Done(); return p.read() })
	}
	for i := 0; i < opts.Workers; i++ {
		workers.Add(1)
		g.Go(func() error { defer workers.Done(); return p.work() })
	}
	// Stages end in order: when the walk and all readers are done no chunk
	// can come; when the workers are done no version can come.
	g.Go(func() error {
		walker.Wait()
		readers.Wait()
		close(p.chunks)
		workers.Wait()
		close(p.versions)
		return nil
	})
	g.Go(p.commit)
	err := g.Wait()
	stopProgress()
	p.blocks.close()
	if err != nil {
		p.packer.Abort()
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			err = fmt.Errorf("backup stopped: %w", ctx.Err())
		}
		return p.result(), err
	}
	return p.result(), nil
}

// send passes a version to the committer.
func (p *pass) send(v engine.Version) error {
	select {
	case p.versions <- v:
		return nil
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

// fail reports a per-file problem; the pass goes on.
func (p *pass) fail(path string, err error) { p.report(&p.res.errors, path, err) }

// warn reports a file recorded with a warning.
func (p *pass) warn(path string, err error) { p.report(&p.res.warnings, path, err) }

// note records an entry left out by design in the pass's report; the
// FileError hook is not called: nothing went wrong.
func (p *pass) note(path string, why error) { p.res.notes.Add(engine.FileError{Path: path, Err: why}) }

func (p *pass) report(to *engine.Problems, path string, err error) {
	fe := engine.FileError{Path: path, Err: err}
	to.Add(fe)
	if p.opts.FileError != nil {
		p.opts.FileError(fe)
	}
}

// recordedTime returns the time to record a new version of a path whose
// previous version was recorded at prev: now, but never at or before prev
// (a clock set back must not make the newest version look older).
func (p *pass) recordedTime(prev int64) int64 {
	now := p.opts.Now().UnixNano()
	if now <= prev {
		return prev + 1
	}
	return now
}

// resultAcc accumulates a Result from many goroutines.
type resultAcc struct {
	errors, warnings, notes        engine.Problems
	seen, news, changed, unchanged atomic.Int64
	deleted, dirs, versions        atomic.Int64
	chunksStored, chunksDeduped    atomic.Int64
}

func (p *pass) result() Result {
	a := &p.res
	return Result{
		FilesSeen: a.seen.Load(), New: a.news.Load(), Changed: a.changed.Load(), Unchanged: a.unchanged.Load(),
		Deleted: a.deleted.Load(), Dirs: a.dirs.Load(), Versions: a.versions.Load(),
		BytesRead: p.prog.bytesRead.Load(), BytesStored: p.packer.Stored(),
		ChunksStored: a.chunksStored.Load(), ChunksDeduped: a.chunksDeduped.Load(),
		Errors: a.errors.List(), Warnings: a.warnings.List(), Notes: a.notes.List(),
		Took: p.opts.Now().Sub(p.start),
	}
}
