package restore

import (
	"path"
	"strings"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
)

// unfinishedMarker is the empty file a restore puts in each folder it
// creates, and removes once everything is written.
//
// In such a folder nothing of the person's can be in the way, so files are
// written under their own names. Elsewhere each file is written under a
// temporary name and renamed into place, so that an existing file is only
// ever replaced by a complete one; on ext4 that rename was a fifth of a
// restore of many small files (docs/PERFORMANCE.md).
//
// The marker is what makes this safe to resume. A restore killed halfway
// (power cut, kill -9) leaves half-written files under real names; run
// again, it finds the marker and knows that whatever does not match the
// archive in that folder is its own unfinished work, to be written again,
// not a person's file to move aside as "before restore". A restore that
// stops any other way (an error, a cancel) removes its unfinished files and
// the markers itself.
const unfinishedMarker = ".cairn-restore-unfinished"

// freshness says how a folder came to be fresh (run.fresh).
type freshness uint8

const (
	resumed freshness = iota + 1 // an interrupted run made it: its marker is there
	made                         // this run made it
)

// folderKey names a folder under a restore root.
type folderKey struct {
	root *restoreRoot
	dir  string // relative to the root, "" for the root itself
}

// markFresh marks folder t, just created by this restore, as fresh. If the
// marker cannot be made, files go in the careful way.
func (b *batch) markFresh(t target) {
	rel := path.Join(t.dir, t.name)
	d, err := b.dirs.open(rel, false)
	if err != nil {
		return
	}
	fh, err := d.CreateTrunc(unfinishedMarker, 0o600)
	if err != nil {
		return
	}
	if fh.Close() != nil {
		return
	}
	if foldsCase(d) {
		// Two archive names that differ only in case ("Makefile",
		// "makefile", from a Linux computer) are one file in a folder
		// like this one (macOS and Windows ignore case by default):
		// written straight under their names, they would be written into
		// each other. Here every file gets a temporary name (apart from
		// the other's: tempName) and a rename, and the later one wins.
		d.Remove(unfinishedMarker)
		return
	}
	b.rn.fresh[folderKey{b.root, rel}] = made
}

// foldsCase says whether folder d ignores case in names: whether the marker
// just made in it is found under its name in capitals.
func foldsCase(d *fs.Dir) bool {
	_, err := d.Lstat(strings.ToUpper(unfinishedMarker))
	return err == nil
}

// resumeFresh marks existing folder t fresh when an interrupted run of a
// restore left its marker there.
func (b *batch) resumeFresh(t target) {
	rel := path.Join(t.dir, t.name)
	d, err := b.dirs.open(rel, false)
	if err != nil {
		return
	}
	if info, err := d.Lstat(unfinishedMarker); err == nil && info.Type == engine.TypeRegular {
		b.rn.fresh[folderKey{b.root, rel}] = resumed
	}
}

// isFresh says whether files go into folder t.dir under their own names.
func (b *batch) isFresh(t target) bool { return b.rn.fresh[folderKey{b.root, t.dir}] != 0 }

// giveWay is called before anything is restored as t: an archive entry
// named like the marker takes the marker's place, and its folder is
// handled the careful way from then on.
func (b *batch) giveWay(parent *fs.Dir, t target) {
	k := folderKey{b.root, t.dir}
	if t.name == unfinishedMarker && b.rn.fresh[k] != 0 {
		parent.Remove(unfinishedMarker)
		delete(b.rn.fresh, k)
	}
}

// isMade says whether folder t.dir was created by this run (markFresh): an
// entry restored there needs no look at what is in the way.
func (b *batch) isMade(t target) bool { return b.rn.fresh[folderKey{b.root, t.dir}] == made }

// removeMarkers removes the markers once every file is written (before
// folder times are set: removing a file changes its folder's time).
func (rn *run) removeMarkers() {
	rd := rootDirs{}
	defer rd.closeAll()
	for k := range rn.fresh {
		if d, err := rd.open(k.root, k.dir); err == nil {
			d.Remove(unfinishedMarker)
		}
		delete(rn.fresh, k)
	}
}

// removeUnfinished removes the files created and neither finished nor
// removed yet: all those in flight when a restore stops early (an error, a
// cancel: they would look restored), and any whose removal failed on the
// way. Then the markers go, since nothing unfinished is left for a next
// run to redo. Called once the content stage has stopped.
func (rn *run) removeUnfinished() {
	rd := rootDirs{}
	defer rd.closeAll()
	rn.unfinished.Range(func(k, _ any) bool {
		f := k.(*fileTask)
		if d, err := rd.open(f.root, f.t.dir); err == nil {
			d.Remove(f.tmp)
		}
		rn.unfinished.Delete(k)
		return true
	})
	rn.removeMarkers()
}
