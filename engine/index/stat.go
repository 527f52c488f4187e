package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
)

// Stat is the last seen state of a live path: what tells that a file has not
// changed since it was backed up, so it is not read again.
type Stat struct {
	Type     engine.FileType
	Size     int64
	ModTime  int64
	CTime    int64
	Inode    uint64
	Mode     uint32
	UID, GID uint32
	Recorded int64 // the version this state was recorded as
}

// StatOf returns the stat part of a version.
func StatOf(v *engine.Version) Stat {
	return Stat{Type: v.Type, Size: v.Size, ModTime: v.ModTime, CTime: v.CTime, Inode: v.Inode,
		Mode: v.Mode, UID: v.UID, GID: v.GID, Recorded: v.Recorded}
}

// Same reports whether two states describe an unchanged file: same type,
// size, modification and change times, inode, mode and owner. A change
// time or inode of 0 on either side is not known, so not compared: FAT
// has no change time, and files an earlier Cairn recorded on Windows
// (size and modification time only) must not all be read again once it
// reads file IDs and change times (engine/fs/winid.go).
func (s Stat) Same(o Stat) bool {
	return s.Type == o.Type && s.Size == o.Size && s.ModTime == o.ModTime && sameIfKnown(s.CTime, o.CTime) &&
		sameIfKnown(s.Inode, o.Inode) && s.Mode == o.Mode && s.UID == o.UID && s.GID == o.GID
}

// sameIfKnown compares two values of which 0 means "not known".
func sameIfKnown[T int64 | uint64](a, b T) bool { return a == 0 || b == 0 || a == b }

func (s Stat) encode() []byte {
	b := []byte{1, byte(s.Type)}
	b = binary.AppendUvarint(b, uint64(s.Size))
	b = binary.AppendVarint(b, s.ModTime)
	b = binary.AppendVarint(b, s.CTime)
	b = binary.AppendUvarint(b, s.Inode)
	b = binary.AppendUvarint(b, uint64(s.Mode))
	b = binary.AppendUvarint(b, uint64(s.UID))
	b = binary.AppendUvarint(b, uint64(s.GID))
	return binary.AppendVarint(b, s.Recorded)
}

var errBadStat = errors.New("index: malformed stat record")

func decodeStat(b []byte) (Stat, error) {
	if len(b) < 2 || b[0] != 1 {
		return Stat{}, errBadStat
	}
	s := Stat{Type: engine.FileType(b[1])}
	b = b[2:]
	var vals [8]uint64
	for i := range vals {
		var n int
		if i == 1 || i == 2 || i == 7 {
			var v int64
			v, n = binary.Varint(b)
			vals[i] = uint64(v)
		} else {
			vals[i], n = binary.Uvarint(b)
		}
		if n <= 0 {
			return Stat{}, errBadStat
		}
		b = b[n:]
	}
	s.Size, s.ModTime, s.CTime, s.Inode = int64(vals[0]), int64(vals[1]), int64(vals[2]), vals[3]
	s.Mode, s.UID, s.GID, s.Recorded = uint32(vals[4]), uint32(vals[5]), uint32(vals[6]), int64(vals[7])
	return s, nil
}

// Stat returns the last seen state of path.
func (ix *Index) Stat(d Dest, path string) (Stat, bool, error) {
	v, err := ix.kv.Get(key(tStat, d, []byte(path)))
	if errors.Is(err, ErrKeyNotFound) {
		return Stat{}, false, nil
	}
	if err != nil {
		return Stat{}, false, err
	}
	s, err := decodeStat(v)
	return s, err == nil, err
}

// Children iterates the stat entries of the direct children of a folder in
// name order, skipping deeper paths. Used to merge a folder listing with what
// the index knows, to find new, changed and deleted entries in one pass.
type Children struct {
	it     Iterator
	prefix []byte // 's' d dir/
	name   []byte
	stat   Stat
	err    error
}

// StatChildren starts iterating the children of dir.
func (ix *Index) StatChildren(d Dest, dir string) *Children {
	p := key(tStat, d, []byte(childPrefix(dir)))
	c := &Children{it: ix.kv.Iterator(p, false), prefix: p}
	return c
}

// NoChildren is a list of children with none in it.
func NoChildren() *Children { return &Children{} }

// Next moves to the next child; false at the end or on error (see Err).
func (c *Children) Next() bool {
	for c.it != nil && c.it.Valid() {
		k := c.it.Key()
		rest := k[len(c.prefix):]
		if i := bytes.IndexByte(rest, '/'); i >= 0 {
			c.it.Seek(afterSubtree(k[:len(c.prefix)+i]))
			continue
		}
		v, err := c.it.Value()
		if err == nil {
			c.stat, err = decodeStat(v)
		}
		if err != nil {
			c.err = fmt.Errorf("stat of %q: %w", rest, err)
			return false
		}
		c.name = append(c.name[:0], rest...)
		c.it.Next()
		return true
	}
	return false
}

// Name is the current child's name (valid until Next).
func (c *Children) Name() []byte { return c.name }

// Stat is the current child's state.
func (c *Children) Stat() Stat { return c.stat }

// Err returns the error that stopped iteration.
func (c *Children) Err() error { return c.err }

// Close releases the iterator.
func (c *Children) Close() {
	if c.it != nil {
		c.it.Close()
	}
}

// StatTree calls fn for every stat entry at or below root (root itself first
// when present), in key order. Used to record deletions when a folder vanishes.
func (ix *Index) StatTree(d Dest, root string, fn func(path string, s Stat) error) error {
	if s, ok, err := ix.Stat(d, root); err != nil {
		return err
	} else if ok {
		if err := fn(root, s); err != nil {
			return err
		}
	}
	p := key(tStat, d, []byte(childPrefix(root)))
	it := ix.kv.Iterator(p, false)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		v, err := it.Value()
		if err != nil {
			return err
		}
		s, err := decodeStat(v)
		if err != nil {
			return err
		}
		if err := fn(string(it.Key()[3:]), s); err != nil {
			return err
		}
	}
	return nil
}
