package index

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/cairnbackup/cairn/engine"
)

// VersionSegment returns the number of the segment holding the version of
// path recorded at recorded, and false when the index no longer has it.
func (ix *Index) VersionSegment(d Dest, path string, recorded int64) (uint32, bool, error) {
	v, err := ix.kv.Get(versionKey(d, path, recorded))
	if errors.Is(err, ErrKeyNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if len(v) < 4 {
		return 0, false, engine.ErrBadRecord
	}
	return binary.BigEndian.Uint32(v), true, nil
}

// Mark records that a chunk is in use (prune's mark phase).
func (w *Writer) Mark(id engine.ChunkID) { w.set(key(tMark, w.d, id[:]), nil) }

// ClearMarks drops all marks of d.
func (ix *Index) ClearMarks(d Dest) error { return ix.DropTable(tMark, d) }

// Sweep calls fn for every chunk of d in ID order, saying whether it is
// marked as in use.
func (ix *Index) Sweep(d Dest, fn func(id engine.ChunkID, loc Location, used bool) error) error {
	chunks := ix.kv.Iterator(prefix(tChunk, d), false)
	defer chunks.Close()
	marks := ix.kv.Iterator(prefix(tMark, d), true)
	defer marks.Close()
	for ; chunks.Valid(); chunks.Next() {
		id := chunks.Key()[3:]
		for marks.Valid() && bytes.Compare(marks.Key()[3:], id) < 0 {
			marks.Next()
		}
		used := marks.Valid() && bytes.Equal(marks.Key()[3:], id)
		v, err := chunks.Value()
		if err != nil {
			return err
		}
		loc, err := decodeLocation(v)
		if err != nil {
			return err
		}
		var cid engine.ChunkID
		copy(cid[:], id)
		if err := fn(cid, loc, used); err != nil {
			return err
		}
	}
	return nil
}

// SetPending records a segment that must be rewritten (prune removed
// versions it holds); ClearPending removes the note once it is done.
func (w *Writer) SetPending(seg uint32)   { w.set(key(tMeta, w.d, []byte("rewrite/"), u32(seg)), nil) }
func (w *Writer) ClearPending(seg uint32) { w.del(key(tMeta, w.d, []byte("rewrite/"), u32(seg))) }

// Pending returns the segments waiting to be rewritten.
func (ix *Index) Pending(d Dest) ([]uint32, error) {
	p := key(tMeta, d, []byte("rewrite/"))
	it := ix.kv.Iterator(p, true)
	defer it.Close()
	var out []uint32
	for ; it.Valid(); it.Next() {
		out = append(out, binary.BigEndian.Uint32(it.Key()[len(p):]))
	}
	return out, nil
}

// SetDamaged records a pack found damaged: Sync no longer reads it in, and
// prune deletes it. ClearDamaged forgets the note.
func (w *Writer) SetDamaged(name PackName)   { w.set(key(tMeta, w.d, []byte("damaged/"), name[:]), nil) }
func (w *Writer) ClearDamaged(name PackName) { w.del(key(tMeta, w.d, []byte("damaged/"), name[:])) }

// Damaged returns the packs noted as damaged.
func (ix *Index) Damaged(d Dest) ([]PackName, error) {
	p := key(tMeta, d, []byte("damaged/"))
	it := ix.kv.Iterator(p, true)
	defer it.Close()
	var out []PackName
	for ; it.Valid(); it.Next() {
		var n PackName
		copy(n[:], it.Key()[len(p):])
		out = append(out, n)
	}
	return out, nil
}
