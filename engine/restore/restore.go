package restore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/selection"
)

// run is the state of one restore.
type run struct {
	ctx      context.Context
	r        *repo.Repo
	opts     Options
	start    time.Time
	umask    uint32
	isRoot   bool
	uid, gid uint32 // the process's, which new files get
	names    *userIDs

	// links maps a hard-link identity to where its first path was restored;
	// pending are the other paths, linked once all contents are written.
	links   map[uint64]linkTarget
	pending []pendingLink
	content *content
	roots   []*restoreRoot
	// dirMeta lists folders whose mode and time are set at the very end.
	dirMeta []dirMeta
	// fresh are the folders this restore made (or an interrupted run of it
	// made, as their marker says): files go into them under their own
	// names, without a temporary name and a rename (see unfinishedMarker).
	// Those this run itself created (made) hold nothing but what it puts
	// there, so nothing is looked for in them first.
	fresh map[folderKey]freshness
	// unfinished holds the files created and not yet finished, removed if
	// the restore stops early (an error, a cancel).
	unfinished sync.Map // *fileTask → struct{}

	prog progressCounters
	res  resultAcc
}

type linkTarget struct {
	root   *restoreRoot
	t      target
	size   int64 // the first path's recorded content (linkTarget.sameContent)
	chunks []engine.ChunkID
}

type dirMeta struct {
	root *restoreRoot
	t    target
	v    engine.Version
}

// restoreRoot is the folder one restored path goes into.
type restoreRoot struct {
	dir  *fs.Dir
	path string // for messages
}

// Run restores opts.Paths from r.
func Run(ctx context.Context, r *repo.Repo, opts Options) (Result, error) {
	opts.applyDefaults()
	rn := &run{ctx: ctx, r: r, opts: opts, start: opts.Now(), umask: fs.Umask(), isRoot: fs.IsRoot(),
		uid: uint32(os.Geteuid()), gid: uint32(os.Getegid()), names: newUserIDs(), links: map[uint64]linkTarget{},
		fresh: map[folderKey]freshness{}}
	stop := rn.startProgress()
	defer stop()
	rn.content = rn.startContent()
	for _, p := range opts.Paths {
		if rn.skip(p) {
			continue
		}
		if err := rn.restorePath(p); err != nil {
			rn.content.wait()
			rn.removeUnfinished()
			return rn.result(), err
		}
	}
	if err := rn.content.wait(); err != nil {
		rn.removeUnfinished()
		return rn.result(), err
	}
	for _, l := range rn.pending {
		rn.link(l)
	}
	rn.removeUnfinished()
	rn.finishDirs()
	for _, r := range rn.roots {
		r.dir.Close()
	}
	return rn.result(), nil
}

// restorePath restores one archive path with everything below it.
func (rn *run) restorePath(src string) error {
	if len(src) == 0 || src[0] != '/' {
		return fmt.Errorf("%q is not an absolute path", src)
	}
	src = path.Clean(src)
	ix, d := rn.r.Index(), rn.r.Dest()
	top, ok, err := ix.At(d, src, rn.opts.View)
	if err != nil {
		return err
	}
	if !ok && src != "/" {
		return fmt.Errorf("%s is not in the backup as of that time (try --deleted, or an --at time; 'cairn ls' shows what is there): %w", src, engine.ErrNotFound)
	}
	// Where src goes: into To, or to its original place (moved by Rebase,
	// which may move src itself: an old home folder onto this one).
	parent, base := rn.opts.To, path.Base(src)
	if parent == "" {
		dst := rn.opts.Rebase.apply(src)
		parent, base = osPath(path.Dir(dst)), path.Base(dst)
	}
	if src == "/" {
		base = ""
	}
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	dir, err := fs.OpenDir(parent)
	if err != nil {
		return fmt.Errorf("open %s: %w", parent, err)
	}
	root := &restoreRoot{dir: dir, path: parent}
	rn.roots = append(rn.roots, root)
	b := rn.newBatch(root, src, base)
	if ok {
		if err := b.add(top); err != nil {
			return err
		}
	}
	err = ix.Tree(d, src, rn.opts.View, func(e index.Entry) error {
		if e.Version.Path == src || rn.skip(e.Version.Path) {
			return nil // the top, handled above, or left out
		}
		if err := b.add(e); err != nil {
			return err
		}
		if len(b.files) >= contentBatch {
			return b.flush()
		}
		return nil
	})
	if err == nil {
		err = b.flush()
	}
	b.close()
	return err
}

// skip says whether Options.Skip leaves out archive path p.
func (rn *run) skip(p string) bool {
	return rn.opts.Skip != nil && rn.opts.Skip(p)
}

// fail reports a file that could not be restored.
func (rn *run) fail(p string, err error) {
	fe := engine.FileError{Path: p, Err: err}
	rn.res.errs.Add(fe)
	if rn.opts.FileError != nil {
		rn.opts.FileError(fe)
	}
}

// finishDirs sets folder modes and times, deepest first, once everything
// inside them is written.
func (rn *run) finishDirs() {
	rd := rootDirs{}
	defer rd.closeAll()
	for i := len(rn.dirMeta) - 1; i >= 0; i-- {
		m := rn.dirMeta[i]
		if parent, err := rd.open(m.root, m.t.dir); err == nil {
			rn.applyMeta(parent, m.t.name, &m.v)
		}
	}
}

// applyMeta sets owner, mode and modification time of a restored entry.
func (rn *run) applyMeta(d *fs.Dir, name string, v *engine.Version) {
	if rn.opts.Perms == Original && rn.isRoot {
		uid, gid := rn.names.resolve(v)
		d.Lchown(name, uid, gid)
	}
	if v.Type != engine.TypeSymlink {
		d.Chmod(name, rn.mode(v))
	}
	d.SetModTime(name, v.ModTime)
}

// applyMetaFile sets owner, mode and modification time of a file being
// restored, through its handle, skipping what creating it already did (a
// new file is the current user's, with the mode given less the umask).
func (rn *run) applyMetaFile(fh *fs.File, v *engine.Version) error {
	if rn.opts.Perms == Original && rn.isRoot {
		if uid, gid := rn.names.resolve(v); uid != rn.uid || gid != rn.gid {
			if err := fh.Chown(int(uid), int(gid)); err != nil {
				return err
			}
		}
	}
	if m := rn.mode(v); m != m&0o777&^rn.umask || rn.opts.Perms == Original && rn.isRoot && v.Mode&0o6000 != 0 {
		if err := fh.Chmod(m); err != nil {
			return err
		}
	}
	return fh.SetModTime(v.ModTime)
}

// mode is the permission a restored entry gets.
func (rn *run) mode(v *engine.Version) uint32 {
	if rn.opts.Perms == Original {
		return v.Mode & 0o7777
	}
	if v.Type == engine.TypeDir {
		return 0o777 &^ rn.umask
	}
	return 0o666 &^ rn.umask
}

// tempName is where the entry name is written before it is renamed into
// place: next to it, hidden, and the same on every run, so a restore that was
// interrupted and is run again reuses (overwrites) its leftovers instead of
// leaving them behind. A few hex digits of a hash of the name keep the
// temporary names of two names that differ only in case apart where case
// is ignored (macOS, Windows): each file is then written whole, and the
// later rename wins.
func tempName(name string) string {
	h := sha256.Sum256([]byte(name))
	if len(name) <= 200 {
		return "." + name + "." + hex.EncodeToString(h[:4]) + ".cairn-restore"
	}
	return ".cairn-restore-" + hex.EncodeToString(h[:12])
}

// resultAcc collects results from many goroutines.
type resultAcc struct {
	mu                           sync.Mutex
	errs                         engine.Problems
	aside                        []string
	files, dirs, links, specials atomic.Int64
	bytes, already, skipped      atomic.Int64
}

func (a *resultAcc) movedAside(p string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.aside) < engine.MaxReported {
		a.aside = append(a.aside, p)
	}
}

func (rn *run) result() Result {
	a := &rn.res
	a.mu.Lock()
	defer a.mu.Unlock()
	return Result{
		Files: a.files.Load(), Dirs: a.dirs.Load(), Links: a.links.Load(), Specials: a.specials.Load(),
		Bytes: a.bytes.Load(), AlreadyThere: a.already.Load(), Skipped: a.skipped.Load(),
		MovedAside: append([]string(nil), a.aside...), Errors: a.errs.List(),
		Took: rn.opts.Now().Sub(rn.start),
	}
}

func isExist(err error) bool { return errors.Is(err, os.ErrExist) }

// relUnder returns p relative to top ("" for top itself).
func relUnder(p, top string) string {
	if p == top {
		return ""
	}
	if top == "/" {
		return p[1:]
	}
	return strings.TrimPrefix(p, top+"/")
}

// osPath turns an archive path into one the OS understands ("/C:/x" → `C:\x`,
// "/C:" → `C:\` on Windows; unchanged elsewhere).
func osPath(p string) string { return selection.OSPath(runtime.GOOS, p) }
