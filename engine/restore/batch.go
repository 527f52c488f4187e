package restore

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
)

// batch plans and restores a bounded number of files.
type batch struct {
	rn      *run
	root    *restoreRoot
	src     string // the archive path being restored
	base    string // its name under the root
	dirs    *dirs
	files   []*fileTask
	skipped []string // folders left out (Skip policy): everything below goes too
}

// fileTask is one file whose content is being written.
type fileTask struct {
	root      *restoreRoot
	t         target
	tmp       string
	v         engine.Version
	replace   bool // replaces an existing file: make it durable before the rename
	direct    bool // written under its own name (tmp == t.name), in a fresh folder
	remaining atomic.Int32
	failed    atomic.Bool
	holes     atomic.Bool // parts were left as holes: the size is set at the end
	create    sync.Once
	createErr error
}

type pendingLink struct {
	first linkTarget
	root  *restoreRoot
	t     target
	v     engine.Version
}

func (rn *run) newBatch(root *restoreRoot, src, base string) *batch {
	return &batch{rn: rn, root: root, src: src, base: base, dirs: newDirs(root.dir)}
}

func (b *batch) close() { b.dirs.closeAll() }

// add plans one entry.
func (b *batch) add(e index.Entry) error {
	if err := b.rn.ctx.Err(); err != nil {
		return err
	}
	v := e.Version
	rel := relUnder(v.Path, b.src)
	// Check before joining: path.Join would clean ".." away silently.
	if err := checkElements(rel); err != nil {
		b.rn.fail(v.Path, err)
		return nil
	}
	full := rel
	switch {
	case b.base != "" && rel != "":
		full = b.base + "/" + rel
	case b.base != "":
		full = b.base
	}
	if full == "" {
		return nil
	}
	for _, s := range b.skipped {
		if strings.HasPrefix(full, s+"/") {
			b.rn.res.skipped.Add(1)
			return nil
		}
	}
	t := target{dir: parentOf(full), name: path.Base(full)}
	var err error
	switch v.Type {
	case engine.TypeDir:
		err = b.dir(t, v)
	case engine.TypeRegular:
		err = b.file(t, v)
	case engine.TypeSymlink:
		err = b.symlink(t, v)
	case engine.TypeFIFO, engine.TypeSocket, engine.TypeCharDevice, engine.TypeBlockDevice:
		err = b.special(t, v)
	default:
		err = fmt.Errorf("unknown file type %d", v.Type)
	}
	if err != nil {
		b.rn.fail(v.Path, err)
	}
	return nil
}

// place opens the folder of t and looks at what is at t now.
func (b *batch) place(t target) (*fs.Dir, fs.Info, bool, error) {
	parent, err := b.dirs.open(t.dir, true)
	if err != nil {
		return nil, fs.Info{}, false, err
	}
	b.giveWay(parent, t)
	if b.isMade(t) {
		// Each archive path is planned once, and other restored paths
		// reach this folder only through their own folder keys (made
		// there fails: the folder exists), so nothing is at t yet.
		return parent, fs.Info{}, false, nil
	}
	info, err := parent.Lstat(t.name)
	if err != nil {
		if fs.IsNotExist(err) {
			return parent, fs.Info{}, false, nil
		}
		return nil, fs.Info{}, false, err
	}
	return parent, info, true, nil
}

// clear applies the conflict policy to an existing entry. It returns
// whether to go on, and whether the new entry replaces the existing one.
func (b *batch) clear(parent *fs.Dir, t target, existing fs.Info) (proceed, replace bool, err error) {
	rn := b.rn
	if rn.opts.Conflict == Skip {
		rn.res.skipped.Add(1)
		return false, false, nil
	}
	if rn.opts.Conflict == Overwrite && existing.Type != engine.TypeDir {
		return true, true, nil
	}
	for n := 1; ; n++ {
		aside := asideName(t.name, rn.start, n)
		if _, err := parent.Lstat(aside); err == nil {
			continue
		} else if !fs.IsNotExist(err) {
			return false, false, err
		}
		if err := parent.Rename(t.name, aside); err != nil {
			return false, false, fmt.Errorf("move the existing %s aside: %w", t.name, err)
		}
		rn.res.movedAside(path.Join(b.root.path, t.dir, aside))
		return true, false, nil
	}
}

func (b *batch) dir(t target, v engine.Version) error {
	parent, info, exists, err := b.place(t)
	if err != nil {
		return err
	}
	if exists && info.Type != engine.TypeDir {
		proceed, _, err := b.clear(parent, t, info)
		if err != nil {
			return err
		}
		if !proceed {
			b.skipped = append(b.skipped, path.Join(t.dir, t.name))
			return nil
		}
		exists = false
	}
	if !exists {
		err := parent.Mkdir(t.name, 0o700)
		switch {
		case err == nil:
			b.markFresh(t)
		case !isExist(err):
			return err
		}
	} else {
		b.resumeFresh(t)
	}
	b.rn.res.dirs.Add(1)
	b.rn.dirMeta = append(b.rn.dirMeta, dirMeta{root: b.root, t: t, v: v})
	return nil
}

func (b *batch) file(t target, v engine.Version) error {
	rn := b.rn
	parent, info, exists, err := b.place(t)
	if err != nil {
		return err
	}
	replace, fresh := false, b.isFresh(t)
	if exists {
		if info.Type == engine.TypeRegular && info.Size == v.Size && info.ModTime == v.ModTime && b.sameContent(parent, t.name, &v) {
			rn.res.already.Add(1)
			rn.prog.filesDone.Add(1)
			rn.applyMeta(parent, t.name, &v)
			b.rememberLink(t, &v)
			return nil
		}
		if fresh && info.Type == engine.TypeRegular {
			// Left half-written by an interrupted run (unfinishedMarker).
			if err := parent.Remove(t.name); err != nil {
				return err
			}
		} else {
			var proceed bool
			if proceed, replace, err = b.clear(parent, t, info); err != nil || !proceed {
				return err
			}
			fresh = false
		}
	}
	if v.LinkID != 0 {
		if first, ok := rn.links[v.LinkID]; ok && first.sameContent(&v) {
			rn.pending = append(rn.pending, pendingLink{first: first, root: b.root, t: t, v: v})
			return nil
		}
		b.rememberLink(t, &v)
	}
	f := &fileTask{root: b.root, t: t, tmp: tempName(t.name), v: v, replace: replace}
	if fresh {
		f.tmp, f.direct = t.name, true
	}
	rn.prog.files.Add(1)
	rn.prog.bytes.Add(v.Size)
	if len(v.Chunks) == 0 {
		if v.Size != 0 {
			return fmt.Errorf("the archive records %d bytes but no data", v.Size)
		}
		fh, err := parent.CreateTrunc(f.tmp, rn.mode(&v))
		if err != nil {
			return err
		}
		return rn.finalize(parent, f, fh)
	}
	b.files = append(b.files, f)
	return nil
}

func (b *batch) rememberLink(t target, v *engine.Version) {
	if v.LinkID != 0 {
		if _, ok := b.rn.links[v.LinkID]; !ok {
			b.rn.links[v.LinkID] = linkTarget{root: b.root, t: t, size: v.Size, chunks: v.Chunks}
		}
	}
}

// sameContent says whether a path of a link group was recorded with the
// content of the group's first path: only then is it linked to it, on
// every system. Names of one file recorded apart (Windows lists a hard
// link's size and times as of the last change made through that name, so
// a change made through another name can go unseen) are each restored
// with the content recorded for them, never one with the other's.
func (l linkTarget) sameContent(v *engine.Version) bool {
	return l.size == v.Size && slices.Equal(l.chunks, v.Chunks)
}

func (b *batch) symlink(t target, v engine.Version) error {
	same := func(parent *fs.Dir, info fs.Info) bool {
		cur, err := parent.Readlink(t.name)
		return info.Type == engine.TypeSymlink && err == nil && cur == v.LinkTarget
	}
	create := func(parent *fs.Dir, tmp string) error { return parent.Symlink(v.LinkTarget, tmp) }
	return b.makeEntry(t, &v, same, create, &b.rn.res.links)
}

func (b *batch) special(t target, v engine.Version) error {
	same := func(_ *fs.Dir, info fs.Info) bool { return info.Type == v.Type && info.Rdev == v.Rdev }
	create := func(parent *fs.Dir, tmp string) error {
		err := parent.Mknod(tmp, v.Type, 0o600, v.Rdev)
		if err != nil && fs.IsPermission(err) {
			return fmt.Errorf("%s files can only be recreated by the administrator (root): %w", v.Type, err)
		}
		return err
	}
	return b.makeEntry(t, &v, same, create, &b.rn.res.specials)
}

// makeEntry restores an entry without content (a symlink, a special file):
// nothing to do when what is at t is the same already; otherwise the
// conflict policy applies, and the entry is made under a temporary name,
// given its metadata and renamed into place.
func (b *batch) makeEntry(t target, v *engine.Version, same func(*fs.Dir, fs.Info) bool,
	create func(parent *fs.Dir, tmp string) error, count *atomic.Int64) error {
	parent, info, exists, err := b.place(t)
	if err != nil {
		return err
	}
	if exists {
		if same(parent, info) {
			b.rn.res.already.Add(1)
			return nil
		}
		proceed, _, err := b.clear(parent, t, info)
		if err != nil || !proceed {
			return err
		}
	}
	tmp := tempName(t.name)
	parent.Remove(tmp)
	if err := create(parent, tmp); err != nil {
		return err
	}
	b.rn.applyMeta(parent, tmp, v)
	if err := parent.Rename(tmp, t.name); err != nil {
		parent.Remove(tmp)
		return err
	}
	count.Add(1)
	return nil
}

// flush hands the planned files to the content stage.
func (b *batch) flush() error {
	err := b.rn.content.send(b.files)
	b.files = nil
	return err
}

// link makes a hard link to a file restored earlier (after all contents).
func (rn *run) link(l pendingLink) {
	src, dst := newDirs(l.first.root.dir), newDirs(l.root.dir)
	defer src.closeAll()
	defer dst.closeAll()
	from, err := src.open(l.first.t.dir, false)
	if err == nil {
		var parent *fs.Dir
		if parent, err = dst.open(l.t.dir, true); err == nil {
			tmp := tempName(l.t.name)
			parent.Remove(tmp)
			if err = parent.Link(from, l.first.t.name, tmp); err == nil {
				if err = parent.Rename(tmp, l.t.name); err != nil {
					parent.Remove(tmp)
				}
			}
		}
	}
	if err != nil {
		rn.fail(l.v.Path, fmt.Errorf("hard link: %w", err))
		return
	}
	rn.res.files.Add(1)
}
