package webarchive

import (
	"errors"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
)

// Roots returns where to start browsing as of at (zero: the latest): the
// top folders that hold files, such as /home/ana. A backup records the
// folders above what is selected (/home), so the archive can be listed from
// "/" too; Roots goes down from each top recorded folder while it holds
// nothing but one folder. A selected file directly under "/" is
// represented by "/". Roots deleted by then are included with Deleted set,
// so their files can still be reached.
func (a *Archive) Roots(at time.Time) ([]Entry, error) {
	st, done, err := a.state()
	if err != nil {
		return nil, err
	}
	defer done()
	tops, err := st.topPaths()
	if err != nil {
		return nil, err
	}
	v := view(at, true)
	var out []Entry
	for _, t := range tops {
		e, ok, err := st.ix.At(dest, t, v)
		if err != nil {
			return nil, damagedIndex(t, err)
		}
		if ok {
			out, err = st.addRoot(out, e, v)
		} else {
			// Not there yet (or only its later parent is recorded): the
			// paths below it that were, as of at.
			out, err = st.rootsBelow(out, t, v)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := a.alive(); err != nil {
		return nil, err
	}
	return dropNested(out), nil
}

// addRoot adds a top path: a folder as the first folder down from it that
// holds more than one folder, anything else as its folder.
func (st *state) addRoot(out []Entry, e index.Entry, v index.View) ([]Entry, error) {
	if e.Version.Type != engine.TypeDir {
		dir := path.Dir(e.Version.Path)
		return append(out, Entry{Path: dir, Name: baseName(dir), Dir: true, Type: engine.TypeDir}), nil
	}
	for {
		only, ok, err := st.onlyFolder(e.Version.Path, v)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		e = only
	}
	en, err := st.entryOf(e)
	return append(out, en), err
}

// onlyFolder returns dir's child when, as of v, it is a folder and dir
// holds nothing else.
func (st *state) onlyFolder(dir string, v index.View) (index.Entry, bool, error) {
	var first index.Entry
	n := 0
	errTwo := errors.New("two")
	err := st.ix.List(dest, dir, v, func(e index.Entry) error {
		if n++; n > 1 {
			return errTwo
		}
		first = e
		return nil
	})
	if err != nil && !errors.Is(err, errTwo) {
		return first, false, damagedIndex(dir, err)
	}
	return first, n == 1 && first.Version.Type == engine.TypeDir, nil
}

// rootsBelow adds the top paths below t that exist as of v.
func (st *state) rootsBelow(out []Entry, t string, v index.View) ([]Entry, error) {
	var under []string
	var err error
	err = st.ix.Tree(dest, t, v, func(e index.Entry) error {
		if hasAncestorIn(e.Version.Path, under) {
			return nil
		}
		under = append(under, e.Version.Path)
		out, err = st.addRoot(out, e, v)
		return err
	})
	if err != nil {
		return nil, damagedIndex(t, err)
	}
	return out, nil
}

// topPaths returns, once, the recorded paths that have no recorded
// ancestor at any time: one pass over the index's keys.
func (st *state) topPaths() ([]string, error) {
	st.topsOnce.Do(func() {
		set := map[string]bool{}
		st.topsErr = st.ix.Tree(dest, "/", index.View{At: index.Latest, WithDeleted: true}, func(e index.Entry) error {
			p := e.Version.Path
			for d := p; d != "/"; {
				d = path.Dir(d)
				if set[d] {
					return nil
				}
			}
			set[p] = true
			st.tops = append(st.tops, p)
			return nil
		})
		if st.topsErr != nil {
			st.topsErr = damagedIndex("/", st.topsErr)
		}
	})
	return st.tops, st.topsErr
}

func hasAncestorIn(p string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/") {
			return true
		}
	}
	return false
}

// dropNested sorts roots by path and drops those inside another (the
// folder of a selected file can hold a selected folder) and duplicates.
func dropNested(es []Entry) []Entry {
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	var out []Entry
	var kept []string
	for _, e := range es {
		if slices.Contains(kept, e.Path) || hasAncestorIn(e.Path, kept) {
			continue
		}
		kept = append(kept, e.Path)
		out = append(out, e)
	}
	return out
}
