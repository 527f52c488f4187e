package index

import (
	"encoding/binary"

	"github.com/cairnbackup/cairn/engine"
)

// Writer batches typed writes for one destination. Writes become visible at
// Flush. Not safe for concurrent use.
type Writer struct {
	b   Batch
	d   Dest
	buf []byte
	err error
}

// Writer starts a batch of writes for d.
func (ix *Index) Writer(d Dest) *Writer { return &Writer{b: ix.kv.Batch(), d: d} }

func (w *Writer) set(k, v []byte) {
	if w.err == nil {
		w.err = w.b.Set(k, v)
	}
}

func (w *Writer) del(k []byte) {
	if w.err == nil {
		w.err = w.b.Delete(k)
	}
}

// PutChunk records where a chunk is stored.
func (w *Writer) PutChunk(id engine.ChunkID, loc Location) {
	w.set(key(tChunk, w.d, id[:]), loc.encode())
}

// DeleteChunk forgets a chunk.
func (w *Writer) DeleteChunk(id engine.ChunkID) { w.del(key(tChunk, w.d, id[:])) }

// PutPack records a pack under its number and name.
func (w *Writer) PutPack(p PackInfo) {
	w.set(key(tPack, w.d, u32(p.Num)), p.encode())
	w.set(key(tPackName, w.d, p.Name[:]), u32(p.Num))
}

// DeletePack forgets a pack.
func (w *Writer) DeletePack(p PackInfo) {
	w.del(key(tPack, w.d, u32(p.Num)))
	w.del(key(tPackName, w.d, p.Name[:]))
}

// PutVersion records a version (idempotent: same path and time, same key)
// and the number of the segment that holds it at the destination.
func (w *Writer) PutVersion(v *engine.Version, segment uint32) {
	w.buf = binary.BigEndian.AppendUint32(w.buf[:0], segment)
	w.buf = engine.AppendVersion(w.buf, v, false)
	w.set(versionKey(w.d, v.Path, v.Recorded), w.buf)
}

// DeleteVersion forgets one version.
func (w *Writer) DeleteVersion(path string, recorded int64) {
	w.del(versionKey(w.d, path, recorded))
}

// PutStat records the last seen state of a live path.
func (w *Writer) PutStat(path string, s Stat) { w.set(key(tStat, w.d, []byte(path)), s.encode()) }

// DeleteStat forgets a path that is gone.
func (w *Writer) DeleteStat(path string) { w.del(key(tStat, w.d, []byte(path))) }

// PutSegment records a segment as known (ingested).
func (w *Writer) PutSegment(name string, info SegmentInfo) {
	w.set(key(tSegment, w.d, []byte(name)), info.encode())
	w.set(key(tSegmentNum, w.d, u32(info.Num)), []byte(name))
}

// DeleteSegment forgets a segment.
func (w *Writer) DeleteSegment(name string, num uint32) {
	w.del(key(tSegment, w.d, []byte(name)))
	w.del(key(tSegmentNum, w.d, u32(num)))
}

// SetMeta stores a small fact.
func (w *Writer) SetMeta(name string, v []byte) { w.set(key(tMeta, w.d, []byte(name)), v) }

// SetMetaInt stores a counter.
func (w *Writer) SetMetaInt(name string, v int64) {
	w.SetMeta(name, binary.BigEndian.AppendUint64(nil, uint64(v)))
}

// Flush applies the writes. The Writer can be used again afterwards.
func (w *Writer) Flush() error {
	if w.err != nil {
		w.b.Cancel()
		return w.err
	}
	return w.b.Flush()
}

// Cancel discards unflushed writes.
func (w *Writer) Cancel() { w.b.Cancel() }
