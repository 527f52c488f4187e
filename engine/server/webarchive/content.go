package webarchive

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
)

// WriteFile writes the content of one version of the file at path (the one
// recorded at recorded, Unix ns; 0: the newest) to w, chunk by chunk: each
// chunk is read from its pack, authenticated, decompressed and checked
// against its ID before it is written, so at most one chunk is in memory.
// Before anything is written it checks that every chunk is stored and that
// they add up to the file's size. A version that is a deletion, or not
// recorded, gives engine.ErrNotFound; a folder or a link ErrNotFile.
func (a *Archive) WriteFile(ctx context.Context, w io.Writer, p string, recorded int64) error {
	st, done, err := a.state()
	if err != nil {
		return err
	}
	defer done()
	v, err := a.version(st, p, recorded)
	if err != nil {
		return err
	}
	if err := st.check(&v); err != nil {
		return err
	}
	cr := st.newChunkReader()
	defer cr.close()
	return a.copyContent(ctx, cr, w, &v)
}

// version finds the version of p recorded at recorded (0: the newest live one).
func (a *Archive) version(st *state, p string, recorded int64) (engine.Version, error) {
	p, err := cleanPath(p)
	if err != nil {
		return engine.Version{}, err
	}
	at := int64(index.Latest)
	if recorded != 0 {
		at = recorded
	}
	e, ok, err := st.ix.At(dest, p, index.View{At: at})
	if err != nil {
		return engine.Version{}, damagedIndex(p, err)
	}
	if err := a.alive(); err != nil {
		return engine.Version{}, err
	}
	if !ok || recorded != 0 && e.Version.Recorded != recorded {
		return engine.Version{}, fmt.Errorf("no version of %s recorded at %d: %w", p, recorded, engine.ErrNotFound)
	}
	if e.Version.Type != engine.TypeRegular {
		return engine.Version{}, fmt.Errorf("%s is a %s: %w", p, e.Version.Type, ErrNotFile)
	}
	return e.Version, nil
}

// check makes sure every chunk of v is stored, within the sizes the
// archive's chunker makes, and that they add up to v's size.
func (st *state) check(v *engine.Version) error {
	var total int64
	for _, id := range v.Chunks {
		loc, err := st.locate(v.Path, id)
		if err != nil {
			return err
		}
		total += int64(loc.RawLength)
	}
	if total != v.Size {
		return fmt.Errorf("%s: the archive's chunks add up to %d bytes, not %d: %w", v.Path, total, v.Size, engine.ErrDamaged)
	}
	return nil
}

// locate finds a chunk, refusing sizes no chunker makes (an untrusted pack
// table must not make the server allocate without limit).
func (st *state) locate(p string, id engine.ChunkID) (index.Location, error) {
	loc, ok, err := st.ix.Chunk(dest, id)
	if err != nil {
		return loc, damagedIndex(p, err)
	}
	if !ok {
		return loc, fmt.Errorf("%s: part of its data (chunk %s) is missing from the archive: %w", p, id.Short(), engine.ErrDamaged)
	}
	if loc.RawLength == 0 || loc.RawLength > st.maxRaw || loc.Length > st.maxRaw+1+crypt.Overhead {
		return loc, fmt.Errorf("%s: chunk %s claims %d bytes (%d stored), more than the archive's chunks hold: %w",
			p, id.Short(), loc.RawLength, loc.Length, engine.ErrDamaged)
	}
	return loc, nil
}

// chunkReader reads chunks from packs, keeping the last pack open.
type chunkReader struct {
	st     *state
	w      *repo.Worker
	num    uint32
	name   string
	obj    store.Object
	sealed []byte
	plain  []byte
}

func (st *state) newChunkReader() *chunkReader {
	return &chunkReader{st: st, w: st.workers.Get().(*repo.Worker)}
}

func (cr *chunkReader) close() {
	if cr.obj != nil {
		cr.obj.Close()
	}
	cr.st.workers.Put(cr.w)
}

// read returns chunk id's plaintext, authenticated and checked against its
// ID; the slice is reused by the next call.
func (cr *chunkReader) read(ctx context.Context, p string, id engine.ChunkID) ([]byte, error) {
	loc, err := cr.st.locate(p, id)
	if err != nil {
		return nil, err
	}
	if cr.obj == nil || cr.num != loc.Pack {
		if err := cr.open(ctx, p, loc.Pack); err != nil {
			return nil, err
		}
	}
	if int64(loc.Offset)+int64(loc.Length) > cr.obj.Size() {
		return nil, fmt.Errorf("%s: chunk %s lies beyond the end of pack %s: %w", p, id.Short(), cr.name, engine.ErrDamaged)
	}
	cr.sealed = grow(cr.sealed, int(loc.Length))
	if _, err := cr.obj.ReadAt(cr.sealed, int64(loc.Offset)); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: read pack %s: %w", p, cr.name, err)
	}
	plain, err := cr.w.Opener.Open(cr.plain[:0], id, cr.sealed, int(loc.RawLength))
	if err != nil {
		return nil, fmt.Errorf("%s: chunk %s in pack %s: %v: %w", p, id.Short(), cr.name, err, engine.ErrDamaged)
	}
	cr.plain = plain
	if len(plain) != int(loc.RawLength) || cr.w.IDs.Sum(plain) != id {
		return nil, fmt.Errorf("%s: chunk %s in pack %s does not hold what its ID says: %w", p, id.Short(), cr.name, engine.ErrDamaged)
	}
	return plain, nil
}

func (cr *chunkReader) open(ctx context.Context, p string, num uint32) error {
	if cr.obj != nil {
		cr.obj.Close()
		cr.obj = nil
	}
	info, err := cr.st.ix.Pack(dest, num)
	if err != nil {
		return damagedIndex(p, err)
	}
	obj, err := cr.st.src.Open(ctx, store.KindPack, info.Name.String())
	if err != nil {
		return fmt.Errorf("%s: open pack %s: %w", p, info.Name, err)
	}
	cr.obj, cr.num, cr.name = obj, num, info.Name.String()
	return nil
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// copyContent streams v's chunks to w.
func (a *Archive) copyContent(ctx context.Context, cr *chunkReader, w io.Writer, v *engine.Version) error {
	for _, id := range v.Chunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := a.alive(); err != nil {
			return err
		}
		plain, err := cr.read(ctx, v.Path, id)
		if err != nil {
			return err
		}
		if _, err := w.Write(plain); err != nil {
			return err
		}
	}
	return nil
}
