package blobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cairnbackup/cairn/engine/store"
)

// Disk is a Store in a folder of the local disk. The folder's objects/,
// trash/ and tmp/ must be on one file system, so moving between them is a
// rename.
type Disk struct{ root string }

var _ Store = (*Disk)(nil)

const (
	dirObjects = "objects"
	dirTrash   = "trash"
	dirTmp     = "tmp"
)

// OpenDisk opens the store in root, creating root and its folders.
func OpenDisk(root string) (*Disk, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"", dirObjects, dirTrash, dirTmp} {
		if err := os.MkdirAll(filepath.Join(abs, d), 0o700); err != nil {
			return nil, fmt.Errorf("open blob storage: %w", mapErr(err))
		}
	}
	return &Disk{root: abs}, nil
}

// Root is the store's folder.
func (d *Disk) Root() string { return d.root }

// rel is ref's path below objects/ or trash/: packs are sharded by the first
// two characters of their name, like the folder destination.
func rel(ref Ref) []string {
	if ref.Kind == string(store.KindPack) && len(ref.Name) > 2 {
		return []string{ref.Device, ref.Kind, ref.Name[:2], ref.Name}
	}
	return []string{ref.Device, ref.Kind, ref.Name}
}

func (d *Disk) path(ref Ref, trashID int64) (string, error) {
	if err := ref.Check(); err != nil {
		return "", err
	}
	if trashID < 0 {
		return "", fmt.Errorf("invalid trash id %d", trashID)
	}
	parts := rel(ref)
	if trashID == 0 {
		return filepath.Join(append([]string{d.root, dirObjects}, parts...)...), nil
	}
	parts[len(parts)-1] += "@" + strconv.FormatInt(trashID, 10)
	return filepath.Join(append([]string{d.root, dirTrash}, parts...)...), nil
}

// mkdirs makes the folders of p below base (objects/ or trash/), one level
// at a time, and syncs the parent of each folder it makes. It never makes
// base itself: were the data folder's disk gone, MkdirAll would quietly
// recreate it on another.
func (d *Disk) mkdirs(p string) error {
	var base string
	for _, b := range []string{dirObjects, dirTrash, dirTmp} {
		if bp := filepath.Join(d.root, b); strings.HasPrefix(p, bp+string(filepath.Separator)) {
			base = bp
		}
	}
	if base == "" {
		return fmt.Errorf("%s is outside the blob storage", p)
	}
	dir := filepath.Dir(p)
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(dir, base+string(filepath.Separator)), string(filepath.Separator))
	cur := base
	for _, part := range parts {
		next := filepath.Join(cur, part)
		err := os.Mkdir(next, 0o700)
		if err == nil {
			err = syncDir(cur)
		} else if errors.Is(err, fs.ErrExist) {
			err = nil
		}
		if err != nil {
			return err
		}
		cur = next
	}
	return nil
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// Stage implements Store.
func (d *Disk) Stage(ctx context.Context, size int64, r io.Reader) (Staged, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("stage: negative size %d", size)
	}
	var rnd [12]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(d.root, dirTmp, hex.EncodeToString(rnd[:])+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("stage upload: %w", mapErr(err))
	}
	if err := fill(ctx, f, size, r); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("stage upload: %w", mapErr(err))
	}
	return &staged{d: d, tmp: tmp}, nil
}

// fill copies exactly size bytes of r to f.
func fill(ctx context.Context, f *os.File, size int64, r io.Reader) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	var n int64
	for n < size {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, rerr := r.Read(buf[:min(int64(len(buf)), size-n)])
		if m > 0 {
			if _, err := f.Write(buf[:m]); err != nil {
				return fmt.Errorf("stage upload: %w", mapErr(err))
			}
			n += int64(m)
		}
		if rerr == io.EOF && n < size {
			return fmt.Errorf("%w: the upload ended after %d of %d bytes", ErrSize, n, size)
		}
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("read upload after %d of %d bytes: %w", n, size, rerr)
		}
	}
	var one [1]byte
	if m, _ := io.ReadFull(r, one[:]); m > 0 {
		return fmt.Errorf("%w: the upload has more than %d bytes", ErrSize, size)
	}
	return nil
}

type staged struct {
	d    *Disk
	tmp  string
	done bool
}

func (s *staged) Commit(ref Ref) error {
	if s.done {
		return errors.New("upload already committed")
	}
	final, err := s.d.path(ref, 0)
	if err != nil {
		return err
	}
	if err := s.d.mkdirs(final); err != nil {
		return fmt.Errorf("store %s: %w", ref, mapErr(err))
	}
	if err := moveNoReplace(s.tmp, final); err != nil {
		if errors.Is(err, ErrExists) {
			return fmt.Errorf("store %s: %w", ref, ErrExists)
		}
		return fmt.Errorf("store %s: %w", ref, mapErr(err))
	}
	s.done = true
	if err := syncDir(filepath.Dir(final)); err != nil {
		return fmt.Errorf("store %s: %w", ref, mapErr(err))
	}
	return nil
}

func (s *staged) Discard() error {
	if s.done {
		return nil
	}
	s.done = true
	return os.Remove(s.tmp)
}

// moveNoReplace renames from to to unless to exists (ErrExists). A hard link
// makes the check and the move one atomic step; on a file system without
// hard links, a check then a rename (the caller's lock keeps it safe).
func moveNoReplace(from, to string) error {
	err := os.Link(from, to)
	if err == nil {
		os.Remove(from)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	if _, serr := os.Lstat(to); serr == nil {
		return ErrExists
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(from, to)
}

type object struct {
	*os.File
	size int64
}

func (o object) Size() int64 { return o.size }

// Open implements Store.
func (d *Disk) Open(ctx context.Context, ref Ref) (Object, error) {
	p, err := d.path(ref, 0)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", ref, mapErr(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", ref, err)
	}
	return object{f, st.Size()}, nil
}

// Stat implements Store.
func (d *Disk) Stat(ctx context.Context, ref Ref, trashID int64) (Info, error) {
	p, err := d.path(ref, trashID)
	if err != nil {
		return Info{}, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return Info{}, fmt.Errorf("stat %s: %w", ref, mapErr(err))
	}
	return Info{Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Trash implements Store.
func (d *Disk) Trash(ctx context.Context, ref Ref, trashID int64) error {
	if trashID <= 0 {
		return fmt.Errorf("trash %s: invalid trash id %d", ref, trashID)
	}
	return d.move(ref, 0, trashID)
}

// Restore implements Store.
func (d *Disk) Restore(ctx context.Context, ref Ref, trashID int64) error {
	if trashID <= 0 {
		return fmt.Errorf("restore %s: invalid trash id %d", ref, trashID)
	}
	return d.move(ref, trashID, 0)
}

func (d *Disk) move(ref Ref, fromID, toID int64) error {
	from, err := d.path(ref, fromID)
	if err != nil {
		return err
	}
	to, err := d.path(ref, toID)
	if err != nil {
		return err
	}
	what := "trash"
	if toID == 0 {
		what = "restore"
	}
	if _, err := os.Lstat(from); err != nil {
		return fmt.Errorf("%s %s: %w", what, ref, mapErr(err))
	}
	if err := d.mkdirs(to); err != nil {
		return fmt.Errorf("%s %s: %w", what, ref, mapErr(err))
	}
	if err := moveNoReplace(from, to); err != nil {
		if errors.Is(err, ErrExists) {
			return fmt.Errorf("%s %s: %w", what, ref, ErrExists)
		}
		return fmt.Errorf("%s %s: %w", what, ref, mapErr(err))
	}
	if err := syncDir(filepath.Dir(to)); err != nil {
		return fmt.Errorf("%s %s: %w", what, ref, mapErr(err))
	}
	if err := syncDir(filepath.Dir(from)); err != nil {
		return fmt.Errorf("%s %s: %w", what, ref, mapErr(err))
	}
	return nil
}

// Purge implements Store.
func (d *Disk) Purge(ctx context.Context, ref Ref, trashID int64) error {
	if trashID <= 0 {
		return fmt.Errorf("purge %s: invalid trash id %d", ref, trashID)
	}
	p, err := d.path(ref, trashID)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("purge %s: %w", ref, mapErr(err))
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return fmt.Errorf("purge %s: %w", ref, mapErr(err))
	}
	return nil
}

// CleanTemp implements Store.
func (d *Disk) CleanTemp(ctx context.Context, before time.Time) (int, error) {
	dir := filepath.Join(d.root, dirTmp)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("clean %s: %w", dir, err)
	}
	n := 0
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n, nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// mapErr attaches this package's sentinels to OS errors.
func mapErr(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w (%v)", ErrFull, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	}
	return err
}
