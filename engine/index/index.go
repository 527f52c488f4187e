package index

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
)

// Index is the typed view of the local index. Safe for concurrent use.
type Index struct{ kv KV }

// New wraps kv.
func New(kv KV) *Index { return &Index{kv: kv} }

// KV returns the underlying store.
func (ix *Index) KV() KV { return ix.kv }

// Close closes the underlying store.
func (ix *Index) Close() error { return ix.kv.Close() }

// Location says where a chunk is stored.
type Location struct {
	Pack      uint32 // the pack's number in this index
	Offset    uint32
	Length    uint32 // sealed length
	RawLength uint32 // plaintext length
}

func (l Location) encode() []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint32(b, l.Pack)
	binary.BigEndian.PutUint32(b[4:], l.Offset)
	binary.BigEndian.PutUint32(b[8:], l.Length)
	binary.BigEndian.PutUint32(b[12:], l.RawLength)
	return b
}

func decodeLocation(b []byte) (Location, error) {
	if len(b) != 16 {
		return Location{}, fmt.Errorf("index: chunk location of %d bytes", len(b))
	}
	return Location{
		Pack: binary.BigEndian.Uint32(b), Offset: binary.BigEndian.Uint32(b[4:]),
		Length: binary.BigEndian.Uint32(b[8:]), RawLength: binary.BigEndian.Uint32(b[12:]),
	}, nil
}

// Chunk looks up where a chunk is stored.
func (ix *Index) Chunk(d Dest, id engine.ChunkID) (Location, bool, error) {
	v, err := ix.kv.Get(key(tChunk, d, id[:]))
	if errors.Is(err, ErrKeyNotFound) {
		return Location{}, false, nil
	}
	if err != nil {
		return Location{}, false, err
	}
	loc, err := decodeLocation(v)
	return loc, err == nil, err
}

// Chunks calls fn for every chunk of d, in ID order.
func (ix *Index) Chunks(d Dest, fn func(id engine.ChunkID, loc Location) error) error {
	it := ix.kv.Iterator(prefix(tChunk, d), false)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var id engine.ChunkID
		copy(id[:], it.Key()[3:])
		v, err := it.Value()
		if err != nil {
			return err
		}
		loc, err := decodeLocation(v)
		if err != nil {
			return err
		}
		if err := fn(id, loc); err != nil {
			return err
		}
	}
	return nil
}

// PackName is a pack's name at the destination (random; hex in file names).
type PackName [16]byte

// String returns the name as stored at the destination.
func (n PackName) String() string { return hex.EncodeToString(n[:]) }

// ParsePackName parses a pack's object name.
func ParsePackName(s string) (PackName, bool) {
	var n PackName
	if len(s) != 2*len(n) {
		return n, false
	}
	_, err := hex.Decode(n[:], []byte(s))
	return n, err == nil
}

// PackInfo describes a pack stored at the destination.
type PackInfo struct {
	Num    uint32
	Name   PackName
	Size   int64
	Chunks uint32
}

func (p PackInfo) encode() []byte {
	b := append([]byte(nil), p.Name[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(p.Size))
	return binary.BigEndian.AppendUint32(b, p.Chunks)
}

func decodePack(num uint32, b []byte) (PackInfo, error) {
	if len(b) != len(PackName{})+12 {
		return PackInfo{}, fmt.Errorf("index: pack record of %d bytes", len(b))
	}
	n := len(PackName{})
	p := PackInfo{Num: num, Size: int64(binary.BigEndian.Uint64(b[n:])), Chunks: binary.BigEndian.Uint32(b[n+8:])}
	copy(p.Name[:], b)
	return p, nil
}

// Pack returns the pack numbered num.
func (ix *Index) Pack(d Dest, num uint32) (PackInfo, error) {
	v, err := ix.kv.Get(key(tPack, d, u32(num)))
	if errors.Is(err, ErrKeyNotFound) {
		return PackInfo{}, fmt.Errorf("pack #%d: %w", num, engine.ErrNotFound)
	}
	if err != nil {
		return PackInfo{}, err
	}
	return decodePack(num, v)
}

// PackNum returns the number of the pack with the given name.
func (ix *Index) PackNum(d Dest, name PackName) (uint32, bool, error) {
	v, err := ix.kv.Get(key(tPackName, d, name[:]))
	if errors.Is(err, ErrKeyNotFound) {
		return 0, false, nil
	}
	if err != nil || len(v) != 4 {
		return 0, false, fmt.Errorf("index: pack name record: %v", err)
	}
	return binary.BigEndian.Uint32(v), true, nil
}

// Packs calls fn for every pack of d in number order.
func (ix *Index) Packs(d Dest, fn func(PackInfo) error) error {
	it := ix.kv.Iterator(prefix(tPack, d), false)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		v, err := it.Value()
		if err != nil {
			return err
		}
		p, err := decodePack(binary.BigEndian.Uint32(it.Key()[3:]), v)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// SegmentInfo describes a version segment stored at the destination.
type SegmentInfo struct {
	Num     uint32 // the segment's number in this index; versions refer to it
	Records uint32
	Size    int64
}

func (s SegmentInfo) encode() []byte {
	v := binary.BigEndian.AppendUint32(nil, s.Num)
	v = binary.BigEndian.AppendUint32(v, s.Records)
	return binary.BigEndian.AppendUint64(v, uint64(s.Size))
}

func decodeSegment(v []byte) (SegmentInfo, error) {
	if len(v) != 16 {
		return SegmentInfo{}, fmt.Errorf("index: segment record of %d bytes", len(v))
	}
	return SegmentInfo{Num: binary.BigEndian.Uint32(v), Records: binary.BigEndian.Uint32(v[4:]),
		Size: int64(binary.BigEndian.Uint64(v[8:]))}, nil
}

// SegmentName returns the name of the segment numbered num.
func (ix *Index) SegmentName(d Dest, num uint32) (string, bool, error) {
	v, err := ix.kv.Get(key(tSegmentNum, d, u32(num)))
	if errors.Is(err, ErrKeyNotFound) {
		return "", false, nil
	}
	return string(v), err == nil, err
}

// Segments calls fn for every known segment of d.
func (ix *Index) Segments(d Dest, fn func(name string, info SegmentInfo) error) error {
	it := ix.kv.Iterator(prefix(tSegment, d), false)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		v, err := it.Value()
		if err != nil {
			return err
		}
		info, err := decodeSegment(v)
		if err != nil {
			return err
		}
		if err := fn(string(it.Key()[3:]), info); err != nil {
			return err
		}
	}
	return nil
}

// Meta returns a small stored fact about d (nil if unset).
func (ix *Index) Meta(d Dest, name string) ([]byte, error) {
	v, err := ix.kv.Get(key(tMeta, d, []byte(name)))
	if errors.Is(err, ErrKeyNotFound) {
		return nil, nil
	}
	return v, err
}

// MetaInt returns a counter stored with SetMetaInt (0 if unset).
func (ix *Index) MetaInt(d Dest, name string) (int64, error) {
	v, err := ix.Meta(d, name)
	if err != nil || len(v) != 8 {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

// DropDest deletes everything the index holds about d.
func (ix *Index) DropDest(d Dest) error {
	for _, t := range []byte{tChunk, tPack, tPackName, tVersion, tStat, tSegment, tSegmentNum, tMeta, tMark} {
		if err := ix.DropTable(t, d); err != nil {
			return err
		}
	}
	return nil
}

// DropTable deletes one table of d.
func (ix *Index) DropTable(t byte, d Dest) error {
	it := ix.kv.Iterator(prefix(t, d), true)
	defer it.Close()
	b := ix.kv.Batch()
	for ; it.Valid(); it.Next() {
		if err := b.Delete(it.Key()); err != nil {
			b.Cancel()
			return err
		}
	}
	return b.Flush()
}

// HasChunks reports whether the index knows any chunk of d.
func (ix *Index) HasChunks(d Dest) bool {
	it := ix.kv.Iterator(prefix(tChunk, d), true)
	defer it.Close()
	return it.Valid()
}
