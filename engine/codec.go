package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The binary form of a Version, used by the local index and by the version
// segments at the destination. It starts with a format byte so it can evolve.
const versionCodec = 1

const (
	flagDeleted = 1 << iota
	flagWarning
	flagOwnerNames
	flagLink
)

// ErrBadRecord means an encoded version could not be decoded.
var ErrBadRecord = errors.New("malformed version record")

// AppendVersion appends the binary form of v to b. The path is included only
// when withPath is set (the index keeps it in the key instead).
func AppendVersion(b []byte, v *Version, withPath bool) []byte {
	var flags byte
	if v.Deleted {
		flags |= flagDeleted
	}
	if v.Warning != "" {
		flags |= flagWarning
	}
	if v.User != "" || v.Group != "" {
		flags |= flagOwnerNames
	}
	if v.LinkTarget != "" || v.LinkID != 0 || v.Rdev != 0 {
		flags |= flagLink
	}
	b = append(b, versionCodec, flags, byte(v.Type))
	if withPath {
		b = appendString(b, v.Path)
	}
	b = binary.AppendVarint(b, v.Recorded)
	if v.Deleted {
		return b
	}
	b = binary.AppendUvarint(b, uint64(v.Size))
	b = binary.AppendVarint(b, v.ModTime)
	b = binary.AppendUvarint(b, uint64(v.Mode))
	b = binary.AppendUvarint(b, uint64(v.UID))
	b = binary.AppendUvarint(b, uint64(v.GID))
	b = binary.AppendUvarint(b, v.Inode)
	b = binary.AppendVarint(b, v.CTime)
	if flags&flagOwnerNames != 0 {
		b = appendString(b, v.User)
		b = appendString(b, v.Group)
	}
	if flags&flagLink != 0 {
		b = appendString(b, v.LinkTarget)
		b = binary.AppendUvarint(b, v.LinkID)
		b = binary.AppendUvarint(b, v.Rdev)
	}
	if flags&flagWarning != 0 {
		b = appendString(b, v.Warning)
	}
	b = binary.AppendUvarint(b, uint64(len(v.Chunks)))
	for i := range v.Chunks {
		b = append(b, v.Chunks[i][:]...)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the fields of a record, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", ErrBadRecord, what)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint(what string) int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string(what string) string {
	n := d.uvarint(what)
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail(what)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) u32(what string) uint32 {
	v := d.uvarint(what)
	if v > 1<<32-1 {
		d.fail(what)
	}
	return uint32(v)
}

// ParseVersion decodes a record made by AppendVersion with the same withPath,
// returning the rest of b after it. The chunk IDs are copied, so b may be reused.
func ParseVersion(b []byte, withPath bool) (Version, []byte, error) {
	var v Version
	if len(b) < 3 || b[0] != versionCodec {
		return v, nil, fmt.Errorf("%w: unknown format", ErrBadRecord)
	}
	flags := b[1]
	v.Type = FileType(b[2])
	v.Deleted = flags&flagDeleted != 0
	d := &decoder{b: b[3:]}
	if withPath {
		v.Path = d.string("path")
	}
	v.Recorded = d.varint("time")
	if v.Deleted || d.err != nil {
		return v, d.b, d.err
	}
	v.Size = int64(d.uvarint("size"))
	v.ModTime = d.varint("mtime")
	v.Mode = d.u32("mode")
	v.UID = d.u32("uid")
	v.GID = d.u32("gid")
	v.Inode = d.uvarint("inode")
	v.CTime = d.varint("ctime")
	if flags&flagOwnerNames != 0 {
		v.User = d.string("user")
		v.Group = d.string("group")
	}
	if flags&flagLink != 0 {
		v.LinkTarget = d.string("link target")
		v.LinkID = d.uvarint("link id")
		v.Rdev = d.uvarint("rdev")
	}
	if flags&flagWarning != 0 {
		v.Warning = d.string("warning")
	}
	n := d.uvarint("chunk count")
	if d.err != nil {
		return v, nil, d.err
	}
	if n > uint64(len(d.b)/32) {
		return v, nil, fmt.Errorf("%w: %d chunks in %d bytes", ErrBadRecord, n, len(d.b))
	}
	if v.Size < 0 {
		return v, nil, fmt.Errorf("%w: negative size", ErrBadRecord)
	}
	if n > 0 {
		v.Chunks = make([]ChunkID, n)
		for i := range v.Chunks {
			copy(v.Chunks[i][:], d.b[i*32:])
		}
		d.b = d.b[n*32:]
	}
	return v, d.b, nil
}
