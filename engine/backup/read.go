package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
)

// fileJob is a new or changed file found by the walk.
type fileJob struct {
	path   string
	walked fs.Info
	prev   index.Stat
	had    bool
	inUse  bool // another program holds it: read through Options.InUse
}

// attempt is one read of a file. Its chunks are processed concurrently; it
// holds one reference per chunk in flight plus one for the reader, and is
// finished by whoever drops the last.
type attempt struct {
	job     *fileJob
	refs    atomic.Int64
	info    fs.Info // as the open file was just before reading
	pages   [][]engine.ChunkID
	used    int // IDs in the last page
	n       int
	bytes   int64
	warning string
	discard bool // the file changed while being read: another attempt follows
}

// pageSize is the size of the extra pages of chunk IDs a file gets when it
// grows past what its size promised.
const pageSize = 256

// sizePages prepares room for the chunk IDs of a file of size bytes: at
// most size/minChunk+1 chunks, so usually one page suffices.
func (a *attempt) sizePages(size int64, minChunk int) {
	n := min(size/int64(minChunk)+1, 1<<16)
	a.pages = [][]engine.ChunkID{make([]engine.ChunkID, n)}
}

// slot returns where the next chunk's ID goes. Pages never move, so workers
// can write IDs while the reader adds chunks.
func (a *attempt) slot() *engine.ChunkID {
	last := len(a.pages) - 1
	if last < 0 || a.used == len(a.pages[last]) {
		a.pages = append(a.pages, make([]engine.ChunkID, pageSize))
		last, a.used = last+1, 0
	}
	s := &a.pages[last][a.used]
	a.used++
	a.n++
	return s
}

func (a *attempt) chunkIDs() []engine.ChunkID {
	if a.n == 0 {
		return nil
	}
	if len(a.pages) == 1 {
		return a.pages[0][:a.n:a.n]
	}
	ids := make([]engine.ChunkID, 0, a.n)
	for i, pg := range a.pages {
		if i == len(a.pages)-1 {
			pg = pg[:a.used]
		}
		ids = append(ids, pg...)
	}
	return ids
}

// reader is the state of one reader goroutine: the block it is filling,
// and the folder of the last file it opened.
type reader struct {
	p      *pass
	cur    *block
	start  int // first byte not yet cut into chunks
	fill   int // end of the data in cur
	opener fs.Opener
}

func (p *pass) read() error {
	rd := &reader{p: p}
	defer func() {
		if rd.cur != nil {
			rd.cur.release()
		}
		rd.opener.Close()
	}()
	for {
		var job *fileJob
		var ok bool
		select {
		case job, ok = <-p.files:
		case <-p.ctx.Done():
			return p.ctx.Err()
		}
		if !ok {
			return nil
		}
		if err := rd.file(job); err != nil {
			return err
		}
	}
}

var errChanged = errors.New("the file changed while it was being read; this version may not be a consistent copy")

// file reads a file until a consistent copy is taken, or gives up after
// ReadAttempts and records the last read with a warning.
func (rd *reader) file(job *fileJob) error {
	p := rd.p
	p.prog.setCurrent(job.path)
	for n := 1; ; n++ {
		again, err := rd.attempt(job, n)
		if err != nil || !again {
			return err
		}
	}
}

// attempt makes one read. It returns again=true when the file changed, or
// is to be read from a snapshot, and another attempt should be made.
func (rd *reader) attempt(job *fileJob, n int) (again bool, err error) {
	p := rd.p
	last := n >= p.opts.ReadAttempts
	f, err := rd.open(job)
	if err != nil {
		if p.ctx.Err() != nil {
			return false, p.ctx.Err()
		}
		if fs.IsNotExist(err) { // gone since the walk
			if job.had && job.prev.Recorded >= p.opts.Adopted {
				return false, p.send(engine.Version{Path: job.path, Deleted: true, Recorded: p.recordedTime(job.prev.Recorded)})
			}
			return false, nil
		}
		p.fail(job.path, err)
		return false, nil
	}
	defer f.Close()
	before, err := fs.Fstat(f)
	if err != nil {
		p.fail(job.path, err)
		return false, nil
	}
	if before.Type != engine.TypeRegular {
		return false, nil // replaced by something else since the walk: the next pass sees it
	}
	a := &attempt{job: job, info: before}
	a.sizePages(before.Size, p.r.Chunker().Params().Min)
	a.refs.Store(1)
	total, readErr := rd.cut(a, fileReader(f, before.Size), before.Size)
	if readErr != nil {
		a.discard = true
		p.releaseAttempt(a)
		if errors.Is(readErr, p.ctx.Err()) {
			return false, readErr
		}
		readErr = fs.ReadError(readErr)
		if errors.Is(readErr, fs.ErrInUse) && p.opts.InUse != nil && !job.inUse && !last {
			job.inUse = true // a range another program locked: read the snapshot instead
			return true, nil
		}
		p.fail(job.path, fmt.Errorf("read: %w", readErr))
		return false, nil
	}
	if p.opts.afterRead != nil {
		p.opts.afterRead(job.path, n)
	}
	after, err := fs.Fstat(f)
	changed := err != nil || after.Size != before.Size || after.ModTime != before.ModTime ||
		after.CTime != before.CTime || total != after.Size
	if changed && !last {
		a.discard = true
		p.releaseAttempt(a)
		return true, nil
	}
	if changed {
		a.warning = errChanged.Error()
		if err == nil {
			a.info = after
		}
	}
	a.bytes = total
	p.releaseAttempt(a)
	return false, nil
}

// open opens the file of job through the reader's Opener, or from
// Options.InUse when another program holds it (fs.ErrInUse), once found so.
func (rd *reader) open(job *fileJob) (*os.File, error) {
	p := rd.p
	if !job.inUse {
		open := rd.opener.Open
		if p.opts.openFile != nil {
			open = p.opts.openFile
		}
		f, err := open(job.path)
		if p.opts.InUse == nil || !errors.Is(err, fs.ErrInUse) {
			return f, err
		}
		job.inUse = true
	}
	return p.opts.InUse.Open(p.ctx, job.path)
}

// cut reads f into blocks and hands its chunks to the workers. Small files
// share blocks; a chunk never spans two blocks (the unfinished tail of one
// block is copied to the start of the next).
func (rd *reader) cut(a *attempt, f io.Reader, size int64) (int64, error) {
	p := rd.p
	ch := p.r.Chunker()
	maxChunk := ch.Params().Max
	rd.start = rd.fill
	var total int64
	eof := false
	for {
		for rd.fill-rd.start >= maxChunk || (eof && rd.fill > rd.start) {
			n := ch.Cut(rd.cur.buf[rd.start:rd.fill])
			if err := rd.dispatch(a, rd.cur.buf[rd.start:rd.start+n]); err != nil {
				return total, err
			}
			rd.start += n
		}
		if eof {
			return total, nil
		}
		want := int(min(int64(maxChunk), max(size-total, 0)+1))
		if rd.cur == nil || len(rd.cur.buf)-rd.fill < want {
			if err := rd.nextBlock(); err != nil {
				return total, err
			}
		}
		k, err := f.Read(rd.cur.buf[rd.fill:])
		rd.fill += k
		total += int64(k)
		p.prog.bytesRead.Add(int64(k))
		switch {
		case err == io.EOF || (err == nil && k == 0):
			eof = true
		case err != nil:
			return total, err
		case total >= size:
			// Read what fstat promised: stop without a read that returns
			// EOF. Growth shows in the size fstat gives after.
			eof = true
		}
	}
}

// nextBlock moves the uncut tail of the current block to a fresh one.
func (rd *reader) nextBlock() error {
	nb, err := rd.p.blocks.get(rd.p.ctx)
	if err != nil {
		return err
	}
	n := 0
	if rd.cur != nil {
		n = copy(nb.buf, rd.cur.buf[rd.start:rd.fill])
		rd.cur.release()
	}
	rd.cur, rd.start, rd.fill = nb, 0, n
	return nil
}

func (rd *reader) dispatch(a *attempt, data []byte) error {
	a.refs.Add(1)
	rd.cur.acquire()
	t := chunkTask{a: a, slot: a.slot(), blk: rd.cur, data: data}
	select {
	case rd.p.chunks <- t:
		return nil
	case <-rd.p.ctx.Done():
		rd.cur.release()
		a.refs.Add(-1)
		return rd.p.ctx.Err()
	}
}

// releaseAttempt drops one reference; the last one finishes the attempt.
func (p *pass) releaseAttempt(a *attempt) {
	if a.refs.Add(-1) != 0 || a.discard {
		return
	}
	job, info := a.job, a.info
	v := engine.Version{
		Path: job.path, Recorded: p.recordedTime(job.prev.Recorded), Type: engine.TypeRegular,
		Size: a.bytes, ModTime: info.ModTime, Mode: info.Mode, UID: info.UID, GID: info.GID,
		User: p.names.User(info.UID), Group: p.names.Group(info.GID),
		Inode: info.Inode, CTime: info.CTime, LinkID: info.LinkID(), Chunks: a.chunkIDs(), Warning: a.warning,
	}
	if a.warning != "" {
		p.warn(job.path, errChanged)
	}
	p.prog.filesRead.Add(1)
	// The committer never waits on the workers, so this send cannot deadlock;
	// after cancellation the version is simply dropped.
	select {
	case p.versions <- v:
	case <-p.ctx.Done():
	}
}
