package webarchive

import (
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// Entry is a path as of some moment, for a listing.
type Entry struct {
	Path    string // absolute, slash-separated, as recorded
	Name    string // the last element of Path
	Dir     bool
	Type    engine.FileType
	Deleted bool // gone by the moment asked for (listed only when deleted ones are asked for)
	// Size is the file's size in bytes (0 for folders).
	Size     int64
	ModTime  time.Time
	Recorded time.Time // when this version was recorded (zero for a folder that holds recorded paths but was not recorded itself)
	// DeletedAt is when the path was found gone (zero unless Deleted).
	DeletedAt time.Time
	// Versions counts the path's recorded versions, deletions included (as
	// Versions lists them).
	Versions int
}

// DefaultSearchMax bounds a search asked with max <= 0.
const DefaultSearchMax = 1000

// view turns a moment into an index view (zero: the latest).
func view(at time.Time, deleted bool) index.View {
	v := index.View{At: index.Latest, WithDeleted: deleted}
	if !at.IsZero() && at.Before(time.Unix(0, math.MaxInt64)) {
		v.At = max(at.UnixNano(), 0)
	}
	return v
}

// cleanPath checks a path asked for: absolute, slash-separated, no NUL.
func cleanPath(p string) (string, error) {
	if p == "" || p[0] != '/' || strings.IndexByte(p, 0) >= 0 {
		return "", fmt.Errorf("%q is not an absolute archive path: %w", p, engine.ErrNotFound)
	}
	return path.Clean(p), nil
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// entryOf makes an Entry of an index entry.
func (st *state) entryOf(e index.Entry) (Entry, error) {
	v := &e.Version
	out := Entry{Path: v.Path, Name: baseName(v.Path), Dir: v.Type == engine.TypeDir, Type: v.Type,
		Deleted: e.DeletedAt != 0, Size: v.Size, ModTime: time.Unix(0, v.ModTime), Recorded: time.Unix(0, v.Recorded)}
	if out.Dir {
		out.Size = 0
	}
	if e.DeletedAt != 0 {
		out.DeletedAt = time.Unix(0, e.DeletedAt)
	}
	h, err := st.ix.History(dest, v.Path)
	if err != nil {
		return out, damagedIndex(v.Path, err)
	}
	out.Versions = len(h)
	return out, nil
}

// damagedIndex words an error decoding what the archive recorded.
func damagedIndex(p string, err error) error {
	if errors.Is(err, errKVClosed) {
		return ErrClosed
	}
	if errors.Is(err, engine.ErrBadRecord) {
		return fmt.Errorf("the archive's record of %s is damaged: %v: %w", p, err, engine.ErrDamaged)
	}
	return fmt.Errorf("%s: %w", p, err)
}

// sortEntries puts folders first, then names in alphabetical order
// (ignoring case; exact order breaks ties).
func sortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int {
		if a.Dir != b.Dir {
			if a.Dir {
				return -1
			}
			return 1
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// List returns the children of dir as of at (zero: the latest), folders
// first then by name; with deleted, paths deleted by then are included,
// as their last version, with Deleted set. dir may be a folder that was
// not recorded itself (a parent of a selected folder, as Roots gives).
func (a *Archive) List(dir string, at time.Time, deleted bool) ([]Entry, error) {
	st, done, err := a.state()
	if err != nil {
		return nil, err
	}
	defer done()
	if dir, err = cleanPath(dir); err != nil {
		return nil, err
	}
	var out []Entry
	err = st.ix.List(dest, dir, view(at, deleted), func(e index.Entry) error {
		en, err := st.entryOf(e)
		out = append(out, en)
		return err
	})
	if err != nil {
		return nil, damagedIndex(dir, err)
	}
	if err := a.alive(); err != nil {
		return nil, err
	}
	sortEntries(out)
	return out, nil
}

// Stat returns path's version as of at (zero: the latest): engine.ErrNotFound
// when it did not exist then, or was deleted by then.
func (a *Archive) Stat(p string, at time.Time) (engine.Version, error) {
	st, done, err := a.state()
	if err != nil {
		return engine.Version{}, err
	}
	defer done()
	if p, err = cleanPath(p); err != nil {
		return engine.Version{}, err
	}
	e, ok, err := st.ix.At(dest, p, view(at, false))
	if err != nil {
		return engine.Version{}, damagedIndex(p, err)
	}
	if err := a.alive(); err != nil {
		return engine.Version{}, err
	}
	if !ok {
		return engine.Version{}, fmt.Errorf("%s: %w", p, engine.ErrNotFound)
	}
	return e.Version, nil
}

// Versions returns every recorded version of path, newest first, deletions
// included (Deleted set): engine.ErrNotFound when there is none.
func (a *Archive) Versions(p string) ([]engine.Version, error) {
	st, done, err := a.state()
	if err != nil {
		return nil, err
	}
	defer done()
	if p, err = cleanPath(p); err != nil {
		return nil, err
	}
	h, err := st.ix.History(dest, p)
	if err != nil {
		return nil, damagedIndex(p, err)
	}
	if err := a.alive(); err != nil {
		return nil, err
	}
	if len(h) == 0 {
		return nil, fmt.Errorf("%s: %w", p, engine.ErrNotFound)
	}
	slices.Reverse(h)
	return h, nil
}

// Search returns up to max paths below under (as of at) whose name
// contains query, ignoring case, in path order; max <= 0 means
// DefaultSearchMax. With deleted, paths deleted by then are searched too.
func (a *Archive) Search(under, query string, at time.Time, deleted bool, max int) ([]Entry, error) {
	st, done, err := a.state()
	if err != nil {
		return nil, err
	}
	defer done()
	if under, err = cleanPath(under); err != nil {
		return nil, err
	}
	if max <= 0 {
		max = DefaultSearchMax
	}
	q := strings.ToLower(query)
	var out []Entry
	enough := errors.New("enough")
	err = st.ix.Tree(dest, under, view(at, deleted), func(e index.Entry) error {
		if err := a.alive(); err != nil {
			return err
		}
		if e.Version.Path == under || !strings.Contains(strings.ToLower(baseName(e.Version.Path)), q) {
			return nil
		}
		en, err := st.entryOf(e)
		if err != nil {
			return err
		}
		if out = append(out, en); len(out) >= max {
			return enough
		}
		return nil
	})
	if err != nil && !errors.Is(err, enough) {
		return nil, damagedIndex(under, err)
	}
	return out, nil
}

// FolderSize adds up the regular files in dir (and below) as of at: what a
// download of the folder holds. A file path counts as itself.
func (a *Archive) FolderSize(dir string, at time.Time) (files int, bytes int64, err error) {
	st, done, err := a.state()
	if err != nil {
		return 0, 0, err
	}
	defer done()
	if dir, err = cleanPath(dir); err != nil {
		return 0, 0, err
	}
	return a.survey(st, dir, view(at, false), false)
}

// addSat adds sizes the archive claims, saturating rather than wrapping.
func addSat(a, b int64) int64 {
	if b > math.MaxInt64-a {
		return math.MaxInt64
	}
	return a + b
}
