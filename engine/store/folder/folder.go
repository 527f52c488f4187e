// Package folder stores an archive in a folder: a local disk, an external
// drive or a mounted network share.
//
// Layout: one folder per
// kind (packs/ is sharded by the first two characters of the name, so no
// folder holds more than a few thousand files); tmp/ holds objects being
// written. Every object is written to tmp/, fsynced, renamed into place, and
// its folder fsynced, so after a crash or a pulled cable an object is either
// complete or absent.
package folder

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
	"syscall"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
)

// Backend is a folder destination.
type Backend struct{ root string }

var _ store.Backend = (*Backend)(nil)

// Open returns the backend for root, which must exist.
func Open(root string) (*Backend, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("folder %s is not there (is the drive connected?): %w", abs, engine.ErrNotFound)
		}
		return nil, fmt.Errorf("open destination: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", abs)
	}
	b := &Backend{root: abs}
	b.removeStaleTemp()
	return b, nil
}

// Create makes root and the archive's folders. It refuses a folder that holds
// anything else, so an archive never mixes with other files.
func Create(root string) (*Backend, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create destination folder: %w", mapErr(err))
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("read destination folder: %w", err)
	}
	for _, e := range entries {
		if e.Name() != "lost+found" && e.Name() != ".Trash-1000" {
			return nil, fmt.Errorf("%s is not empty and holds no Cairn archive; choose an empty folder, for example %s",
				abs, filepath.Join(abs, "Cairn"))
		}
	}
	for _, d := range append([]store.Kind{"tmp"}, store.Kinds...) {
		if err := os.MkdirAll(filepath.Join(abs, string(d)), 0o700); err != nil {
			return nil, fmt.Errorf("create destination folder: %w", mapErr(err))
		}
	}
	return &Backend{root: abs}, nil
}

// Root is the folder's absolute path.
func (b *Backend) Root() string { return b.root }

// Location implements store.Backend.
func (b *Backend) Location() string { return b.root }

// Close implements store.Backend.
func (b *Backend) Close() error { return nil }

func (b *Backend) path(kind store.Kind, name string) (string, error) {
	if err := store.CheckName(kind, name); err != nil {
		return "", err
	}
	if kind == store.KindPack && len(name) > 2 {
		return filepath.Join(b.root, string(kind), name[:2], name), nil
	}
	return filepath.Join(b.root, string(kind), name), nil
}

// staleAfter is how old a temporary file must be before it is removed as the
// leftover of a crash: far longer than writing one object can take.
const staleAfter = 24 * time.Hour

func (b *Backend) removeStaleTemp() {
	entries, _ := os.ReadDir(filepath.Join(b.root, "tmp"))
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.Remove(filepath.Join(b.root, "tmp", e.Name()))
		}
	}
}

// Create implements store.Backend.
func (b *Backend) Create(ctx context.Context, kind store.Kind) (store.Upload, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var r [12]byte
	rand.Read(r[:])
	tmp := filepath.Join(b.root, "tmp", hex.EncodeToString(r[:])+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.Mkdir(filepath.Dir(tmp), 0o700); err == nil || errors.Is(err, fs.ErrExist) {
			f, err = os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("write to %s: %w", b.root, b.mapErr(err))
	}
	return &upload{b: b, kind: kind, f: f, tmp: tmp}, nil
}

type upload struct {
	b    *Backend
	kind store.Kind
	f    *os.File
	tmp  string
	done bool
}

func (u *upload) Write(p []byte) (int, error) {
	n, err := u.f.Write(p)
	if err != nil {
		return n, fmt.Errorf("write to %s: %w", u.b.root, u.b.mapErr(err))
	}
	return n, nil
}

func (u *upload) Commit(name string) error {
	if u.done {
		return errors.New("upload already finished")
	}
	u.done = true
	final, err := u.b.path(u.kind, name)
	if err != nil {
		u.f.Close()
		os.Remove(u.tmp)
		return err
	}
	err = u.f.Sync()
	if cerr := u.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(u.tmp, final)
		if errors.Is(err, fs.ErrNotExist) {
			// A new pack shard. Only that one level is made: were the
			// destination gone (a drive unplugged), MkdirAll would recreate
			// its path on the computer's own disk.
			if err = os.Mkdir(filepath.Dir(final), 0o700); err == nil || errors.Is(err, fs.ErrExist) {
				err = os.Rename(u.tmp, final)
			}
		}
	}
	if err == nil {
		err = syncDir(filepath.Dir(final))
	}
	if err != nil {
		os.Remove(u.tmp)
		return fmt.Errorf("store %s/%s in %s: %w", u.kind, name, u.b.root, u.b.mapErr(err))
	}
	return nil
}

func (u *upload) Abort() error {
	if u.done {
		return nil
	}
	u.done = true
	u.f.Close()
	return os.Remove(u.tmp)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

type object struct {
	*os.File
	size int64
}

func (o object) Size() int64 { return o.size }

// Open implements store.Backend.
func (b *Backend) Open(ctx context.Context, kind store.Kind, name string) (store.Object, error) {
	p, err := b.path(kind, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open %s/%s: %w", kind, name, b.mapErr(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return object{f, st.Size()}, nil
}

// Stat implements store.Backend.
func (b *Backend) Stat(ctx context.Context, kind store.Kind, name string) (int64, error) {
	p, err := b.path(kind, name)
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return 0, fmt.Errorf("%s/%s: %w", kind, name, b.mapErr(err))
	}
	return st.Size(), nil
}

// List implements store.Backend.
func (b *Backend) List(ctx context.Context, kind store.Kind, fn func(string, int64) error) error {
	dir := filepath.Join(b.root, string(kind))
	if kind == store.KindPack {
		shards, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("list %s: %w", kind, b.mapErr(err))
		}
		for _, s := range shards {
			if !s.IsDir() {
				continue
			}
			if err := listDir(ctx, filepath.Join(dir, s.Name()), fn); err != nil {
				return err
			}
		}
		return nil
	}
	return listDir(ctx, dir, fn)
}

func listDir(ctx context.Context, dir string, fn func(string, int64) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("list %s: %w", dir, mapErr(err))
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() || !store.ValidName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if err := fn(e.Name(), info.Size()); err != nil {
			return err
		}
	}
	return nil
}

// Remove implements store.Backend.
func (b *Backend) Remove(ctx context.Context, kind store.Kind, name string) error {
	p, err := b.path(kind, name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s/%s: %w", kind, name, b.mapErr(err))
	}
	return nil
}

// ErrGone means the destination folder itself disappeared: a drive pulled
// out or a share unmounted in the middle of a backup.
var ErrGone = errors.New("the destination is no longer there (was the drive unplugged?); connect it and back up again: nothing already stored is lost")

// mapErr is the package mapErr, and also says when the whole destination
// folder has gone away.
func (b *Backend) mapErr(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENODEV) {
		if _, serr := os.Stat(b.root); serr != nil {
			return fmt.Errorf("%w (%v)", ErrGone, err)
		}
	}
	return mapErr(err)
}

// mapErr attaches the engine's sentinels to OS errors a person must act on.
func mapErr(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w (%v)", engine.ErrDestinationFull, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w (%v)", engine.ErrNotFound, err)
	}
	return err
}

// ensure io is used for ReaderAt doc.
var _ io.ReaderAt = object{}
