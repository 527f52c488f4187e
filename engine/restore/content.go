package restore

import (
	"context"
	"fmt"
	"io"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/store"
)

// need is one chunk one file needs at one offset.
type need struct {
	loc  index.Location
	id   engine.ChunkID
	file *fileTask
	off  int64
}

// readWindow bounds one read from a pack: large enough for sequential
// throughput, small enough to keep memory flat.
const (
	readWindow = 4 << 20
	maxGap     = 256 << 10 // read through gaps smaller than this instead of seeking
)

// content is the stage that writes file contents while the planner goes on:
// batches of planned files come in, their chunks are located and grouped by
// pack, and workers read the needed ranges of each pack and write every
// chunk to every file that needs it.
type content struct {
	rn      *run
	batches chan []*fileTask
	jobs    chan packJob
	g       *errgroup.Group
	ctx     context.Context
}

type packJob struct {
	num   uint32
	needs []need
}

// contentBatch is how many files the planner hands on at once: small, so
// writing starts at once; large enough that each pack's ranges are read in
// few, large reads.
const contentBatch = 512

func (rn *run) startContent() *content {
	g, ctx := errgroup.WithContext(rn.ctx)
	c := &content{rn: rn, batches: make(chan []*fileTask, 2), jobs: make(chan packJob, 2*rn.opts.Workers), g: g, ctx: ctx}
	g.Go(c.dispatch)
	for i := 0; i < rn.opts.Workers; i++ {
		g.Go(func() error {
			w := &packWorker{rn: rn, opener: rn.r.NewWorker().Opener, dirs: rootDirs{}}
			defer w.dirs.closeAll()
			for job := range c.jobs {
				if err := w.pack(job.num, job.needs); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return c
}

// send hands a batch of planned files to the stage.
func (c *content) send(files []*fileTask) error {
	if len(files) == 0 {
		return nil
	}
	select {
	case c.batches <- files:
		return nil
	case <-c.ctx.Done():
		return c.g.Wait()
	}
}

// wait ends the stage once everything sent is written.
func (c *content) wait() error {
	close(c.batches)
	return c.g.Wait()
}

// dispatch locates each batch's chunks and hands on one job per pack.
func (c *content) dispatch() error {
	defer close(c.jobs)
	for files := range c.batches {
		byPack, err := c.rn.locate(files)
		if err != nil {
			return err
		}
		packs := make([]uint32, 0, len(byPack))
		for num := range byPack {
			packs = append(packs, num)
		}
		slices.Sort(packs)
		for _, num := range packs {
			select {
			case c.jobs <- packJob{num, byPack[num]}:
			case <-c.ctx.Done():
				return c.ctx.Err()
			}
		}
	}
	return nil
}

// locate finds where every chunk of files is stored, grouped by pack.
// Files whose data is missing fail here.
func (rn *run) locate(files []*fileTask) (map[uint32][]need, error) {
	ix, d := rn.r.Index(), rn.r.Dest()
	byPack := map[uint32][]need{}
	for _, f := range files {
		var off int64
		var missing engine.ChunkID
		ok := true
		start := map[uint32]int{}
		for _, id := range f.v.Chunks {
			loc, found, err := ix.Chunk(d, id)
			if err != nil {
				return nil, err
			}
			if !found {
				ok, missing = false, id
				break
			}
			if _, seen := start[loc.Pack]; !seen {
				start[loc.Pack] = len(byPack[loc.Pack])
			}
			byPack[loc.Pack] = append(byPack[loc.Pack], need{loc: loc, id: id, file: f, off: off})
			off += int64(loc.RawLength)
		}
		var err error
		switch {
		case !ok:
			err = fmt.Errorf("part of this version (chunk %s) is missing from the archive: %w", missing.Short(), engine.ErrDamaged)
		case off != f.v.Size:
			err = fmt.Errorf("the archive's chunks add up to %d bytes, not %d: %w", off, f.v.Size, engine.ErrDamaged)
		}
		if err != nil {
			rn.fail(f.v.Path, err)
			for num, i := range start { // take back what was added for this file
				byPack[num] = byPack[num][:i]
				if len(byPack[num]) == 0 {
					delete(byPack, num)
				}
			}
			continue
		}
		f.remaining.Store(int32(len(f.v.Chunks)))
	}
	return byPack, nil
}

// packWorker reads packs and writes their chunks to files. One per goroutine.
type packWorker struct {
	rn     *run
	opener *pack.Opener
	dirs   rootDirs
	buf    []byte
	plain  []byte
	open   map[*fileTask]*fs.File
}

func (w *packWorker) pack(num uint32, needs []need) error {
	rn := w.rn
	if len(needs) == 0 {
		return nil
	}
	info, err := rn.r.Index().Pack(rn.r.Dest(), num)
	if err != nil {
		w.failNeeds(needs, err)
		return nil
	}
	obj, err := rn.r.Backend().Open(rn.ctx, store.KindPack, info.Name.String())
	if err != nil {
		w.failNeeds(needs, fmt.Errorf("pack %s: %w", info.Name, err))
		return nil
	}
	defer obj.Close()
	slices.SortFunc(needs, func(a, b need) int { return int(a.loc.Offset) - int(b.loc.Offset) })
	w.open = map[*fileTask]*fs.File{}
	done := map[*fileTask]int32{}
	for i := 0; i < len(needs); {
		start := int64(needs[i].loc.Offset)
		end := start + int64(needs[i].loc.Length)
		j := i + 1
		for j < len(needs) {
			o := int64(needs[j].loc.Offset)
			e := o + int64(needs[j].loc.Length)
			if o-end > maxGap || max(e, end)-start > readWindow {
				break
			}
			end = max(end, e)
			j++
		}
		if cap(w.buf) < int(end-start) {
			w.buf = make([]byte, end-start)
		}
		buf := w.buf[:end-start]
		if _, err := obj.ReadAt(buf, start); err != nil && err != io.EOF {
			w.failNeeds(needs[i:j], fmt.Errorf("read pack %s: %w", info.Name, err))
		} else {
			w.blobs(needs[i:j], buf, start, done)
		}
		i = j
	}
	// Files complete after this pack are finished with the handle already
	// open; the others are closed for the worker of a later pack.
	for f, fh := range w.open {
		n := done[f]
		delete(done, f)
		if f.remaining.Add(-n) == 0 {
			w.finish(f, fh)
		} else if err := fh.Close(); err != nil {
			w.failFile(f, err)
		}
	}
	for f, n := range done {
		if f.remaining.Add(-n) == 0 {
			w.finish(f, nil)
		}
	}
	return rn.ctx.Err()
}

// blobs opens each distinct chunk of a window once and writes it wherever it is needed.
func (w *packWorker) blobs(needs []need, buf []byte, base int64, done map[*fileTask]int32) {
	rn := w.rn
	for k := 0; k < len(needs); {
		n := needs[k]
		sealed := buf[int64(n.loc.Offset)-base : int64(n.loc.Offset)-base+int64(n.loc.Length)]
		plain, err := w.opener.Open(w.plain[:0], n.id, sealed, int(n.loc.RawLength))
		if err == nil {
			w.plain = plain
		}
		for ; k < len(needs) && needs[k].loc.Offset == n.loc.Offset; k++ {
			nd := needs[k]
			done[nd.file]++
			if nd.file.failed.Load() {
				continue
			}
			if err != nil {
				w.failFile(nd.file, fmt.Errorf("stored data is damaged (chunk %s): %w", nd.id.Short(), engine.ErrDamaged))
				continue
			}
			if werr := w.write(nd.file, plain, nd.off); werr != nil {
				w.failFile(nd.file, werr)
				continue
			}
			rn.prog.bytesDone.Add(int64(len(plain)))
		}
	}
}

func (w *packWorker) write(f *fileTask, data []byte, off int64) error {
	fh, ok := w.open[f]
	if !ok {
		parent, err := w.dirs.open(f.root, f.t.dir)
		if err != nil {
			return err
		}
		// The first worker to touch a file creates it and keeps the handle;
		// workers of other packs open it.
		f.create.Do(func() {
			fh, f.createErr = parent.CreateTrunc(f.tmp, w.rn.mode(&f.v))
			if f.createErr == nil {
				w.rn.unfinished.Store(f, struct{}{})
			}
		})
		if f.createErr != nil {
			return f.createErr
		}
		if fh == nil {
			if fh, err = parent.OpenWrite(f.tmp); err != nil {
				return err
			}
		}
		w.open[f] = fh
	}
	holes, err := writeSparse(fh, data, off)
	if holes {
		f.holes.Store(true)
	}
	return err
}

func (w *packWorker) failNeeds(needs []need, err error) {
	for _, n := range needs {
		w.failFile(n.file, err)
		if n.file.remaining.Add(-1) == 0 {
			w.finish(n.file, nil)
		}
	}
}

func (w *packWorker) failFile(f *fileTask, err error) {
	if f.failed.CompareAndSwap(false, true) {
		w.rn.fail(f.v.Path, err)
	}
}

// finish renames a complete file into place, or removes a failed one's
// temporary file. fh, when not nil, is an open handle on it.
func (w *packWorker) finish(f *fileTask, fh *fs.File) {
	parent, err := w.dirs.open(f.root, f.t.dir)
	if err != nil {
		if fh != nil {
			fh.Close()
		}
		w.failFile(f, err)
		return
	}
	if f.failed.Load() {
		if fh != nil {
			fh.Close()
		}
		parent.Remove(f.tmp)
		w.rn.unfinished.Delete(f)
		return
	}
	if fh == nil {
		if fh, err = parent.OpenWrite(f.tmp); err != nil {
			w.failFile(f, err)
			parent.Remove(f.tmp)
			w.rn.unfinished.Delete(f)
			return
		}
	}
	if err := w.rn.finalize(parent, f, fh); err != nil {
		w.failFile(f, err)
	}
}

// finalize gives a written temporary file its metadata (through its open
// handle, which it closes) and its name.
func (rn *run) finalize(parent *fs.Dir, f *fileTask, fh *fs.File) error {
	var err error
	if f.holes.Load() {
		err = fh.Truncate(f.v.Size) // a hole at the end does not make the file longer
	}
	if err == nil {
		err = rn.applyMetaFile(fh, &f.v)
	}
	if err == nil && f.replace {
		err = fh.Sync() // replacing a good file: make the new one durable first
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil && !f.direct {
		err = parent.Rename(f.tmp, f.t.name)
	}
	rn.unfinished.Delete(f)
	if err != nil {
		parent.Remove(f.tmp)
		return err
	}
	rn.res.files.Add(1)
	rn.res.bytes.Add(f.v.Size)
	rn.prog.filesDone.Add(1)
	rn.prog.setCurrent(f.v.Path)
	return nil
}
