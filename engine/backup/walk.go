package backup

import (
	"bytes"

	"fmt"
	"golang.org/x/sync/errgroup"
	"path"
	"strings"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
)

// walk compares the selection with the index, folder by folder, and hands
// on what changed.
//
// Folders are walked by up to Options.Walkers goroutines: a subfolder
// goes to a free walker, else is walked in place. Each folder's listing
// is still merged with the index in order by one goroutine; folders are
// independent (each holds its own entries), and everything they hand on
// goes to channels and counters made for several senders.
func (p *pass) walk() error {
	var g errgroup.Group
	p.walkers = &g
	err := func() error {
		for _, root := range p.opts.Roots {
			if err := p.walkRoot(root); err != nil {
				return err
			}
		}
		return nil
	}()
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err == nil {
		p.prog.scanDone.Store(true)
	}
	return err
}

// walkSub walks a subfolder, on another walker when one is free. The
// folder is opened here, while its parent is surely open. indexed says
// whether the index may know entries in it (see walkOpenDir).
func (p *pass) walkSub(pathname string, parent *fs.Dir, name string, indexed bool) error {
	if parent == nil || p.walkSlots == nil {
		return p.walkDir(pathname, parent, name, indexed)
	}
	select {
	case p.walkSlots <- struct{}{}:
	default:
		return p.walkDir(pathname, parent, name, indexed)
	}
	d, err := p.openDir(pathname, parent, name)
	if d == nil {
		<-p.walkSlots
		return err
	}
	p.walkers.Go(func() error {
		defer func() { <-p.walkSlots }()
		return p.walkOpenDir(pathname, d, indexed)
	})
	return nil
}

func (p *pass) walkRoot(root string) error {
	if err := p.recordAncestors(root); err != nil {
		return err
	}
	info, err := fs.Stat(root)
	if err != nil && p.opts.Changed && fs.IsNotExist(err) {
		return p.rootGone(root)
	}
	if err != nil {
		// A missing root is most often an unmounted drive: say so, and do not
		// mark everything under it deleted.
		if fs.IsNotExist(err) {
			p.fail(root, fmt.Errorf("selected folder is not there (nothing under it is marked deleted): %w", err))
		} else {
			p.fail(root, err)
		}
		return nil
	}
	prev, had, err := p.r.Index().Stat(p.r.Dest(), root)
	if err != nil {
		return err
	}
	if p.skipped(root, info.Type == engine.TypeDir) {
		return nil
	}
	return p.visit(root, nil, "", info, prev, had)
}

// rootGone records the deletion of a changed path a watcher saw go, unless
// it was never backed up or is excluded.
func (p *pass) rootGone(root string) error {
	prev, had, err := p.r.Index().Stat(p.r.Dest(), root)
	if err != nil || !had || p.skipped(root, prev.Type == engine.TypeDir) {
		return err
	}
	return p.deleteTree(root, false)
}

// recordAncestors records the folders above a root, so the archive can be
// browsed from "/" down to it.
func (p *pass) recordAncestors(root string) error {
	var dirs []string
	for d := path.Dir(root); d != "/" && d != "."; d = path.Dir(d) {
		dirs = append(dirs, d)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		info, err := fs.Stat(dirs[i])
		if err != nil {
			return nil // the root's own check reports this
		}
		prev, had, err := p.r.Index().Stat(p.r.Dest(), dirs[i])
		if err != nil {
			return err
		}
		if !had || !prev.Same(statOf(info)) {
			if err := p.send(p.metaVersion(dirs[i], info, prev.Recorded, "")); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *pass) skipped(pathname string, isDir bool) bool {
	for _, s := range p.opts.Skip {
		if pathname == s || strings.HasPrefix(pathname, s+"/") {
			return true
		}
	}
	return p.opts.Exclude != nil && p.opts.Exclude.Excluded(pathname, isDir)
}

// visit handles one entry that exists on disk. parent is its open folder
// (nil for a root).
func (p *pass) visit(pathname string, parent *fs.Dir, name string, info fs.Info, prev index.Stat, had bool) error {
	p.res.seen.Add(1)
	p.prog.seen.Add(1)
	if p.opts.describe != nil {
		info = p.opts.describe(pathname, info)
	}
	if info.NotBackedUp != nil {
		return p.leaveOut(pathname, info, prev, had)
	}
	if had && prev.Type != info.Type && prev.Type == engine.TypeDir {
		// A folder replaced by a file: its former contents are gone.
		if err := p.deleteTree(pathname, true); err != nil {
			return err
		}
		had = false
	}
	changed := !had || !prev.Same(statOf(info))
	switch info.Type {
	case engine.TypeDir:
		p.res.dirs.Add(1)
		if changed {
			if err := p.send(p.metaVersion(pathname, info, prev.Recorded, "")); err != nil {
				return err
			}
		}
		if p.opts.Changed && parent != nil && had {
			return nil // a known subfolder: changes in it come as their own paths
		}
		// A folder's own record is committed before anything in it, so a
		// subfolder the index did not know holds nothing the index knows.
		// A root is looked up whatever: the index may know what is below
		// it from when it was not a root.
		return p.walkSub(pathname, parent, name, had || parent == nil)
	case engine.TypeRegular:
		if !changed {
			p.res.unchanged.Add(1)
			return nil
		}
		if had {
			p.res.changed.Add(1)
		} else {
			p.res.news.Add(1)
		}
		return p.queueFile(&fileJob{path: pathname, walked: info, prev: prev, had: had})
	case engine.TypeSymlink:
		if !changed {
			return nil
		}
		var target string
		var err error
		if parent != nil {
			target, err = parent.Readlink(name)
		} else {
			target, err = readlinkPath(pathname)
		}
		if err != nil {
			p.fail(pathname, err)
			return nil
		}
		return p.send(p.metaVersion(pathname, info, prev.Recorded, target))
	default: // fifos, sockets, devices: recorded, never read
		if !changed {
			return nil
		}
		return p.send(p.metaVersion(pathname, info, prev.Recorded, ""))
	}
}

// leaveOut notes an entry left out by design (fs.Info.NotBackedUp). A
// version recorded earlier stays current when it is the same kind of entry
// (a file since made cloud-only still has that content); one of another
// kind (a junction an older Cairn recorded as a FIFO) is marked deleted.
func (p *pass) leaveOut(pathname string, info fs.Info, prev index.Stat, had bool) error {
	p.note(pathname, info.NotBackedUp)
	if had && prev.Type != info.Type {
		return p.deleteTree(pathname, false)
	}
	return nil
}

func (p *pass) queueFile(j *fileJob) error {
	p.prog.filesToRead.Add(1)
	p.prog.bytesToRead.Add(j.walked.Size)
	select {
	case p.files <- j:
		return nil
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

// walkDir merges a folder's listing with the index's children of it.
func (p *pass) walkDir(pathname string, parent *fs.Dir, name string, indexed bool) error {
	d, err := p.openDir(pathname, parent, name)
	if d == nil {
		return err
	}
	return p.walkOpenDir(pathname, d, indexed)
}

// openDir opens a folder to walk; nil with a nil error when it could not
// be read (reported: its contents keep their earlier versions).
func (p *pass) openDir(pathname string, parent *fs.Dir, name string) (*fs.Dir, error) {
	if err := p.ctx.Err(); err != nil {
		return nil, err
	}
	var d *fs.Dir
	var err error
	if parent == nil {
		d, err = fs.OpenDir(pathname)
	} else {
		d, err = parent.OpenDir(name)
	}
	if err != nil {
		p.fail(pathname, fmt.Errorf("folder could not be read (its contents keep their earlier versions): %w", err))
		return nil, nil
	}
	return d, nil
}

// walkOpenDir walks an open folder and closes it. Unless indexed, the
// folder is new to the index and its entries are not looked up there: in a
// first backup that was a seek into every table of the index per folder
// (and per subfolder), for nothing.
func (p *pass) walkOpenDir(pathname string, d *fs.Dir, indexed bool) error {
	defer d.Close()
	names, err := d.Names()
	if err != nil {
		p.fail(pathname, fmt.Errorf("folder could not be listed (its contents keep their earlier versions): %w", err))
		return nil
	}
	known, more := index.NoChildren(), false
	if indexed {
		known = p.r.Index().StatChildren(p.r.Dest(), pathname)
		more = known.Next()
	}
	defer known.Close()
	for _, n := range names {
		child := join(pathname, n)
		// Entries the index knows and the folder no longer holds, up to n.
		for more && bytes.Compare(known.Name(), []byte(n)) < 0 {
			if err := p.deleteTree(join(pathname, string(known.Name())), false); err != nil {
				return err
			}
			more = known.Next()
		}
		var prev index.Stat
		had := more && string(known.Name()) == n
		if had {
			prev = known.Stat()
			more = known.Next()
		}
		info, err := d.Lstat(n)
		if err != nil {
			if fs.IsNotExist(err) { // gone since the listing
				if had {
					if err := p.deleteTree(child, false); err != nil {
						return err
					}
				}
				continue
			}
			p.fail(child, err)
			continue
		}
		if p.skipped(child, info.Type == engine.TypeDir) {
			if had { // newly excluded: no longer in the backup
				if err := p.deleteTree(child, false); err != nil {
					return err
				}
			}
			continue
		}
		if err := p.visit(child, d, n, info, prev, had); err != nil {
			return err
		}
	}
	for ; more; more = known.Next() {
		if err := p.deleteTree(join(pathname, string(known.Name())), false); err != nil {
			return err
		}
	}
	return known.Err()
}

// deleteTree records the deletion of a path and of everything the index
// knows below it. keepRoot leaves the path itself (replaced by another type).
// Deletions are sent as the index is read, not gathered first: a folder of
// a million files may go at once, and memory must not grow with it (the
// iterator reads a snapshot, so the committer's writes meanwhile are fine).
func (p *pass) deleteTree(root string, onlyBelow bool) error {
	return p.r.Index().StatTree(p.r.Dest(), root, func(pathname string, s index.Stat) error {
		if onlyBelow && pathname == root {
			return nil
		}
		if !onlyBelow && s.Recorded < p.opts.Adopted {
			return nil // the old computer's, not brought over (Options.Adopted)
		}
		p.res.deleted.Add(1)
		return p.send(engine.Version{Path: pathname, Deleted: true, Recorded: p.recordedTime(s.Recorded)})
	})
}

// metaVersion is the version of an entry that has no content to read.
func (p *pass) metaVersion(pathname string, info fs.Info, prevRecorded int64, target string) engine.Version {
	v := engine.Version{
		Path: pathname, Recorded: p.recordedTime(prevRecorded), Type: info.Type, Size: info.Size,
		ModTime: info.ModTime, Mode: info.Mode, UID: info.UID, GID: info.GID,
		User: p.names.User(info.UID), Group: p.names.Group(info.GID),
		Inode: info.Inode, CTime: info.CTime, LinkTarget: target,
	}
	if info.Type == engine.TypeCharDevice || info.Type == engine.TypeBlockDevice {
		v.Rdev = info.Rdev
	}
	// A symlink keeps the size the system gives it (the target's length on
	// Unix, 0 on Windows): the next pass compares that size, so recording
	// anything else would record the link again on every pass.
	return v
}

func statOf(i fs.Info) index.Stat {
	return index.Stat{Type: i.Type, Size: i.Size, ModTime: i.ModTime, CTime: i.CTime, Inode: i.Inode,
		Mode: i.Mode, UID: i.UID, GID: i.GID}
}

func join(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

func readlinkPath(p string) (string, error) {
	d, err := fs.OpenDir(path.Dir(p))
	if err != nil {
		return "", err
	}
	defer d.Close()
	return d.Readlink(path.Base(p))
}
