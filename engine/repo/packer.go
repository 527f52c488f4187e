package repo

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/store"
)

// FinishedPack is a pack that is durable at the destination but not yet in
// the index.
type FinishedPack struct {
	Info    index.PackInfo
	Entries []pack.Entry
}

// Packer streams sealed chunks into packs at the destination. Add is safe for
// concurrent use. Closing a pack (writing its table, fsync, rename) happens in
// the background so the workers that feed it never wait for the disk.
type Packer struct {
	r   *Repo
	ctx context.Context

	mu  sync.Mutex
	cur *openPack

	finishers sync.WaitGroup
	slots     chan struct{}
	doneMu    sync.Mutex
	done      []FinishedPack
	err       error
	stored    int64 // sealed bytes added

	buffers sync.Pool // *bgWriter, reused across packs
}

type openPack struct {
	num  uint32
	name index.PackName
	up   store.Upload
	bw   *bgWriter
	w    *pack.Writer
}

// packBuffer is the size of each of a pack's two write buffers (bgWriter).
const packBuffer = 512 << 10

// maxFinishing bounds how many packs are being closed at once.
const maxFinishing = 2

// NewPacker returns a Packer writing to r's destination.
func (r *Repo) NewPacker(ctx context.Context) *Packer { return r.newPackerLocked(ctx) }

func (r *Repo) newPackerLocked(ctx context.Context) *Packer {
	return &Packer{r: r, ctx: ctx, slots: make(chan struct{}, maxFinishing)}
}

// Add appends a sealed chunk to the current pack.
func (p *Packer) Add(id engine.ChunkID, sealed []byte, rawLen int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.failed(); err != nil {
		return err
	}
	if p.cur == nil {
		op, err := p.open()
		if err != nil {
			return err
		}
		p.cur = op
	}
	if _, err := p.cur.w.Add(id, sealed, rawLen); err != nil {
		p.abortCurrent()
		return fmt.Errorf("write pack: %w", err)
	}
	p.stored += int64(len(sealed))
	if p.cur.w.Size() >= p.r.cfg.PackSize {
		p.rotate()
	}
	return nil
}

// Stored returns the sealed bytes added so far.
func (p *Packer) Stored() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stored
}

func (p *Packer) failed() error {
	p.doneMu.Lock()
	defer p.doneMu.Unlock()
	return p.err
}

func (p *Packer) open() (*openPack, error) {
	up, err := p.r.backend.Create(p.ctx, store.KindPack)
	if err != nil {
		return nil, err
	}
	bw, _ := p.buffers.Get().(*bgWriter)
	if bw == nil {
		bw = newBGWriter(packBuffer)
	}
	bw.Reset(up)
	op := &openPack{num: p.r.nextPack.Add(1) - 1, up: up, bw: bw}
	rand.Read(op.name[:])
	if op.w, err = pack.NewWriter(op.bw); err != nil {
		up.Abort()
		return nil, err
	}
	return op, nil
}

func (p *Packer) abortCurrent() {
	if p.cur != nil {
		p.cur.bw.Reset(nil) // waits for its write in flight
		p.cur.up.Abort()
		p.cur = nil
	}
}

// rotate hands the current pack to a background finisher. Called with mu held.
func (p *Packer) rotate() {
	op := p.cur
	p.cur = nil
	if op == nil {
		return
	}
	p.slots <- struct{}{}
	p.finishers.Add(1)
	go func() {
		defer func() { <-p.slots; p.finishers.Done() }()
		fp, err := p.finish(op)
		p.doneMu.Lock()
		defer p.doneMu.Unlock()
		if err != nil {
			if p.err == nil {
				p.err = err
			}
			return
		}
		p.done = append(p.done, fp)
	}()
}

func (p *Packer) finish(op *openPack) (FinishedPack, error) {
	entries, size, err := op.w.Finish(p.r.metaSealer())
	if err == nil {
		err = op.bw.Flush()
	}
	op.bw.Reset(nil) // no write in flight from here on
	if err == nil {
		err = op.up.Commit(op.name.String())
	} else {
		op.up.Abort()
	}
	p.buffers.Put(op.bw)
	if err != nil {
		return FinishedPack{}, fmt.Errorf("store pack: %w", err)
	}
	return FinishedPack{
		Info:    index.PackInfo{Num: op.num, Name: op.name, Size: size, Chunks: uint32(len(entries))},
		Entries: entries,
	}, nil
}

// Flush closes the current pack, waits until every pack is durable, and
// returns the packs finished since the last Flush.
func (p *Packer) Flush() ([]FinishedPack, error) {
	p.mu.Lock()
	p.rotate()
	p.mu.Unlock()
	p.finishers.Wait()
	p.doneMu.Lock()
	defer p.doneMu.Unlock()
	done := p.done
	p.done = nil
	return done, p.err
}

// Abort discards the open pack and waits for finishers; packs already
// finished stay at the destination (unreferenced until the next Sync).
func (p *Packer) Abort() {
	p.mu.Lock()
	p.abortCurrent()
	p.mu.Unlock()
	p.finishers.Wait()
}
