package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/cairnbackup/cairn/engine"
)

// Latest is the end of time, for "as of now" queries.
const Latest = math.MaxInt64

// History returns every version of path, oldest first.
func (ix *Index) History(d Dest, path string) ([]engine.Version, error) {
	p := key(tVersion, d, []byte(path), []byte{0})
	it := ix.kv.Iterator(p, false)
	defer it.Close()
	var out []engine.Version
	for ; it.Valid(); it.Next() {
		v, err := decodeVersionAt(it)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func decodeVersionAt(it Iterator) (engine.Version, error) {
	v, _, err := decodeVersionSeg(it)
	return v, err
}

// decodeVersionSeg decodes the version at the iterator and the number of
// the segment that holds it.
func decodeVersionSeg(it Iterator) (engine.Version, uint32, error) {
	path, recorded, ok := splitVersionKey(it.Key()[3:])
	if !ok {
		return engine.Version{}, 0, fmt.Errorf("index: malformed version key %q", it.Key())
	}
	val, err := it.Value()
	if err != nil {
		return engine.Version{}, 0, err
	}
	if len(val) < 4 {
		return engine.Version{}, 0, fmt.Errorf("version of %q: %w", path, engine.ErrBadRecord)
	}
	seg := binary.BigEndian.Uint32(val)
	v, _, err := engine.ParseVersion(val[4:], false)
	if err != nil {
		return v, 0, fmt.Errorf("version of %q: %w", path, err)
	}
	v.Path, v.Recorded = string(path), recorded
	return v, seg, nil
}

// Entry is what a path looks like as of some moment.
type Entry struct {
	// Version is the newest version at or before the moment; for a path that
	// was deleted by then and asked for with withDeleted, it is the last version
	// before the deletion.
	Version engine.Version
	// DeletedAt is when the path was found deleted (0 when it was live).
	DeletedAt int64
}

// View selects what a listing shows.
type View struct {
	At          int64 // Unix ns; Latest for now
	WithDeleted bool  // include paths deleted by At, as their last version
}

// At returns path as of view.
func (ix *Index) At(d Dest, path string, view View) (Entry, bool, error) {
	p := key(tVersion, d, []byte(path), []byte{0})
	it := ix.kv.Iterator(p, false)
	defer it.Close()
	return entryAt(it, p, view)
}

// entryAt positions it at the newest version ≤ view.At among keys with
// prefix p (one path's versions) and resolves deletions.
func entryAt(it Iterator, p []byte, view View) (Entry, bool, error) {
	it.Seek(append(append([]byte(nil), p...), inv(view.At)...))
	if !it.Valid() || !bytes.HasPrefix(it.Key(), p) {
		return Entry{}, false, nil
	}
	v, err := decodeVersionAt(it)
	if err != nil {
		return Entry{}, false, err
	}
	if !v.Deleted {
		return Entry{Version: v}, true, nil
	}
	if !view.WithDeleted {
		return Entry{}, false, nil
	}
	deletedAt := v.Recorded
	for it.Next(); it.Valid() && bytes.HasPrefix(it.Key(), p); it.Next() {
		prev, err := decodeVersionAt(it)
		if err != nil {
			return Entry{}, false, err
		}
		if !prev.Deleted {
			return Entry{Version: prev, DeletedAt: deletedAt}, true, nil
		}
	}
	return Entry{}, false, nil
}

// List calls fn for each direct child of dir as of view, in name order.
func (ix *Index) List(d Dest, dir string, view View, fn func(Entry) error) error {
	p := key(tVersion, d, []byte(childPrefix(dir)))
	it := ix.kv.Iterator(p, false)
	defer it.Close()
	for it.Valid() {
		k := it.Key()
		rest := k[len(p):]
		if i := bytes.IndexByte(rest, '/'); i >= 0 && (bytes.IndexByte(rest, 0) < 0 || i < bytes.IndexByte(rest, 0)) {
			it.Seek(afterSubtree(k[:len(p)+i]))
			continue
		}
		if err := ix.visitPath(it, view, fn); err != nil {
			return err
		}
	}
	return nil
}

// Tree calls fn for root and every path below it as of view, parents before
// children, in key order.
func (ix *Index) Tree(d Dest, root string, view View, fn func(Entry) error) error {
	if root != "/" {
		if e, ok, err := ix.At(d, root, view); err != nil {
			return err
		} else if ok {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	it := ix.kv.Iterator(key(tVersion, d, []byte(childPrefix(root))), true)
	defer it.Close()
	return scanPaths(it, view, fn)
}

// scanPaths walks every version key from the iterator's position, path by
// path, stepping (no seeks: a path has few versions) and decoding only the
// version each path shows as of view. it must be a keys-only iterator.
func scanPaths(it Iterator, view View, fn func(Entry) error) error {
	var cur []byte
	for it.Valid() {
		p, _, ok := splitVersionKey(it.Key()[3:])
		if !ok {
			return fmt.Errorf("index: malformed version key %q", it.Key())
		}
		cur = append(cur[:0], p...)
		e, found, err := pickVersion(it, cur, view)
		if err != nil {
			return err
		}
		if found {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// pickVersion consumes the keys of one path (newest first) and returns what
// the path looks like as of view.
func pickVersion(it Iterator, path []byte, view View) (Entry, bool, error) {
	var e Entry
	var deletedAt int64
	decided, found := false, false
	for ; it.Valid(); it.Next() {
		p, rec, ok := splitVersionKey(it.Key()[3:])
		if !ok || !bytes.Equal(p, path) {
			break
		}
		if decided || rec > view.At {
			continue
		}
		v, err := decodeVersionAt(it)
		if err != nil {
			return e, false, err
		}
		switch {
		case !v.Deleted:
			e, found, decided = Entry{Version: v, DeletedAt: deletedAt}, true, true
		case !view.WithDeleted:
			decided = true
		case deletedAt == 0:
			deletedAt = v.Recorded // shown as its last version before this deletion
		}
	}
	return e, found, nil
}

// visitPath handles the path whose first version key it points at, then
// leaves it at the first key after all versions of that path.
func (ix *Index) visitPath(it Iterator, view View, fn func(Entry) error) error {
	path, _, ok := splitVersionKey(it.Key()[3:])
	if !ok {
		return fmt.Errorf("index: malformed version key %q", it.Key())
	}
	pathKey := append(append([]byte(nil), it.Key()[:3+len(path)]...), 0)
	e, found, err := entryAt(it, pathKey, view)
	if err != nil {
		return err
	}
	it.Seek(afterPath(pathKey[:len(pathKey)-1]))
	if found {
		return fn(e)
	}
	return nil
}

// Stored is a version with the number of the segment that holds it.
type Stored struct {
	engine.Version
	Segment uint32
}

// Histories calls fn with every path of d and its versions, oldest first, in
// path order. The slice is reused between calls. Used by prune and rebuilds.
func (ix *Index) Histories(d Dest, fn func(path string, versions []Stored) error) error {
	it := ix.kv.Iterator(prefix(tVersion, d), false)
	defer it.Close()
	var cur []byte
	var group []Stored
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		for i, j := 0, len(group)-1; i < j; i, j = i+1, j-1 {
			group[i], group[j] = group[j], group[i]
		}
		err := fn(string(cur), group)
		group = group[:0]
		return err
	}
	for ; it.Valid(); it.Next() {
		path, _, ok := splitVersionKey(it.Key()[3:])
		if !ok {
			return fmt.Errorf("index: malformed version key %q", it.Key())
		}
		if !bytes.Equal(path, cur) {
			if err := flush(); err != nil {
				return err
			}
			cur = append(cur[:0], path...)
		}
		v, seg, err := decodeVersionSeg(it)
		if err != nil {
			return err
		}
		group = append(group, Stored{Version: v, Segment: seg})
	}
	return flush()
}

// Newest returns the newest version of path, deletion markers included.
func (ix *Index) Newest(d Dest, path string) (engine.Version, bool, error) {
	p := key(tVersion, d, []byte(path), []byte{0})
	it := ix.kv.Iterator(p, false)
	defer it.Close()
	if !it.Valid() {
		return engine.Version{}, false, nil
	}
	v, err := decodeVersionAt(it)
	return v, err == nil, err
}
