package repo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/compress"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/store"
)

// A segment is a sealed batch of version records at the destination:
//
//	"CAIRNVS" 0x01 || salt(32) || nonce || AES-256-GCM(algo || rawLen u32 || payload)
//
// with payload = count u32 || (uvarint length || record)*, records encoded by
// engine.AppendVersion with their paths. Segments are only ever added, or
// replaced whole by prune (new one first, then the old one removed).
var segmentMagic = []byte("CAIRNVS\x01")

const (
	// maxSegmentRaw bounds a segment's plaintext; bigger batches are split.
	maxSegmentRaw = 16 << 20
	// maxSegmentStored bounds what Cairn reads back (an untrusted destination
	// must not make it allocate without limit).
	maxSegmentStored = maxSegmentRaw + 1<<20
)

// segmentWriter accumulates records and writes segments of bounded size.
type segmentWriter struct {
	r     *Repo
	buf   []byte
	rec   []byte // one record, encoded
	most  int    // the most of buf a segment used
	count uint32
	out   []segmentOut
}

type segmentOut struct {
	name string
	info index.SegmentInfo
}

func (r *Repo) newSegmentWriter() *segmentWriter { return r.segmentWriterWith(nil) }

// segmentWriterWith returns a segment writer that fills buf (nil: a new
// one). A first backup commits thousands of versions at each checkpoint,
// and growing a new buffer to a segment's size each time was a tenth of
// everything a first backup of a million files allocated.
func (r *Repo) segmentWriterWith(buf []byte) *segmentWriter {
	if buf == nil {
		buf = make([]byte, 0, 64<<10)
	}
	return &segmentWriter{r: r, buf: buf[:4]}
}

// spare returns the writer's buffer for the next writer, unless its
// segments used less than a quarter of it: a large checkpoint's buffer is
// not kept for the small ones that follow.
func (s *segmentWriter) spare() []byte {
	if s.most < cap(s.buf)/4 {
		return nil
	}
	return s.buf
}

// add appends a record and returns the ordinal (in s.out) of the segment
// it will be written in.
func (s *segmentWriter) add(ctx context.Context, v *engine.Version) (int, error) {
	s.rec = engine.AppendVersion(s.rec[:0], v, true)
	rec := s.rec
	if len(s.buf)+len(rec)+binary.MaxVarintLen32 > maxSegmentRaw && s.count > 0 {
		if err := s.flush(ctx); err != nil {
			return 0, err
		}
	}
	s.buf = binary.AppendUvarint(s.buf, uint64(len(rec)))
	s.buf = append(s.buf, rec...)
	s.count++
	return len(s.out), nil
}

// number gives the written segments their numbers in the index and returns
// the number of the first.
func (s *segmentWriter) number() uint32 {
	n := uint32(len(s.out))
	base := s.r.nextSeg.Add(n) - n
	for i := range s.out {
		s.out[i].info.Num = base + uint32(i)
	}
	return base
}

func (s *segmentWriter) flush(ctx context.Context) error {
	if s.count == 0 {
		return nil
	}
	binary.LittleEndian.PutUint32(s.buf, s.count)
	s.most = max(s.most, len(s.buf))
	plain := []byte{0, 0, 0, 0, 0}
	plain, algo := compress.NewCompressor().Compress(plain, s.buf)
	plain[0] = byte(algo)
	binary.LittleEndian.PutUint32(plain[1:], uint32(len(s.buf)))
	obj := append([]byte(nil), segmentMagic...)
	salt := make([]byte, 32)
	rand.Read(salt)
	obj = append(obj, salt...)
	obj, err := s.r.metaSealer().Seal(obj, salt, plain, segmentMagic)
	if err != nil {
		return err
	}
	var id [16]byte
	rand.Read(id[:])
	name := hex.EncodeToString(id[:])
	if err := store.Save(ctx, s.r.backend, store.KindSegment, name, obj); err != nil {
		return fmt.Errorf("store version records: %w", err)
	}
	s.out = append(s.out, segmentOut{name: name, info: index.SegmentInfo{Records: s.count, Size: int64(len(obj))}})
	s.buf = s.buf[:4]
	s.count = 0
	return nil
}

// readSegment loads, authenticates and decodes a segment.
func (r *Repo) readSegment(ctx context.Context, name string) ([]engine.Version, error) {
	obj, err := store.Load(ctx, r.backend, store.KindSegment, name, maxSegmentStored)
	if err != nil {
		return nil, err
	}
	return r.decodeSegment(name, obj)
}

func (r *Repo) decodeSegment(name string, obj []byte) ([]engine.Version, error) {
	if len(obj) < len(segmentMagic)+32 || !bytes.Equal(obj[:len(segmentMagic)], segmentMagic) {
		return nil, fmt.Errorf("version segment %s: not a segment: %w", name, engine.ErrDamaged)
	}
	salt := obj[len(segmentMagic) : len(segmentMagic)+32]
	plain, err := r.metaSealer().Open(nil, salt, obj[len(segmentMagic)+32:], segmentMagic)
	if err != nil {
		return nil, fmt.Errorf("version segment %s: %v: %w", name, err, engine.ErrDamaged)
	}
	if len(plain) < 5 {
		return nil, fmt.Errorf("version segment %s: too short: %w", name, engine.ErrDamaged)
	}
	rawLen := int(binary.LittleEndian.Uint32(plain[1:]))
	if rawLen > maxSegmentRaw {
		return nil, fmt.Errorf("version segment %s: claims %d bytes: %w", name, rawLen, engine.ErrDamaged)
	}
	raw, err := compress.Decompress(nil, compress.Algorithm(plain[0]), plain[5:], rawLen)
	if err != nil {
		return nil, fmt.Errorf("version segment %s: %v: %w", name, err, engine.ErrDamaged)
	}
	return parseRecords(name, raw)
}

func parseRecords(name string, raw []byte) ([]engine.Version, error) {
	if len(raw) < 4 {
		return nil, fmt.Errorf("version segment %s: no count: %w", name, engine.ErrDamaged)
	}
	count := binary.LittleEndian.Uint32(raw)
	rest := raw[4:]
	if uint64(count) > uint64(len(rest)) {
		return nil, fmt.Errorf("version segment %s: %d records in %d bytes: %w", name, count, len(rest), engine.ErrDamaged)
	}
	out := make([]engine.Version, 0, count)
	for i := uint32(0); i < count; i++ {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return nil, fmt.Errorf("version segment %s: record %d: %w", name, i, engine.ErrDamaged)
		}
		v, _, err := engine.ParseVersion(rest[k:k+int(n)], true)
		if err != nil {
			return nil, fmt.Errorf("version segment %s: record %d: %v: %w", name, i, err, engine.ErrDamaged)
		}
		if err := checkPath(v.Path); err != nil {
			return nil, fmt.Errorf("version segment %s: record %d: %v: %w", name, i, err, engine.ErrDamaged)
		}
		out = append(out, v)
		rest = rest[k+int(n):]
	}
	return out, nil
}

// checkPath rejects paths that could not have come from a backup: relative,
// with empty, "." or ".." elements, or with NUL bytes. Restore checks again.
func checkPath(p string) error {
	if len(p) == 0 || p[0] != '/' {
		return fmt.Errorf("path %q is not absolute", p)
	}
	if p == "/" {
		return nil
	}
	for _, el := range bytes.Split([]byte(p[1:]), []byte("/")) {
		if len(el) == 0 || string(el) == "." || string(el) == ".." || bytes.IndexByte(el, 0) >= 0 {
			return fmt.Errorf("path %q has an invalid element", p)
		}
	}
	return nil
}
