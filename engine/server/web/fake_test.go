package web

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
)

// fakeArchive is an archive in memory for the handlers' tests: versions by
// path, newest last. The browser test uses real archives.
type fakeArchive struct {
	mu       sync.Mutex
	versions map[string][]engine.Version
	content  map[string]string // by path and recorded time
	closed   bool
	lastAt   time.Time // the moment the last listing asked for
}

var (
	t1 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	t2 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
)

func newFakeArchive() *fakeArchive {
	f := &fakeArchive{versions: map[string][]engine.Version{}, content: map[string]string{}}
	f.add("/home/ana", t1, engine.TypeDir, "")
	f.add("/home/ana/docs", t1, engine.TypeDir, "")
	f.add("/home/ana/a.txt", t1, engine.TypeRegular, "one")
	f.add("/home/ana/a.txt", t2, engine.TypeRegular, "two!")
	f.add("/home/ana/docs/b.txt", t1, engine.TypeRegular, "bee")
	f.add("/home/ana/gone.txt", t1, engine.TypeRegular, "was here")
	f.versions["/home/ana/gone.txt"] = append(f.versions["/home/ana/gone.txt"],
		engine.Version{Path: "/home/ana/gone.txt", Recorded: t2.UnixNano(), Deleted: true})
	big := engine.Version{Path: "/home/ana/big/film.mkv", Recorded: t1.UnixNano(), Type: engine.TypeRegular, Size: 300_000_000}
	f.add("/home/ana/big", t1, engine.TypeDir, "")
	f.versions[big.Path] = []engine.Version{big}
	return f
}

func (f *fakeArchive) add(p string, at time.Time, typ engine.FileType, content string) {
	v := engine.Version{Path: p, Recorded: at.UnixNano(), Type: typ, Size: int64(len(content)), ModTime: at.UnixNano()}
	f.versions[p] = append(f.versions[p], v)
	if typ == engine.TypeRegular {
		f.content[fmt.Sprint(p, v.Recorded)] = content
	}
}

// asOf is p's version as of at, if it was there (or deleted, with deleted).
func (f *fakeArchive) asOf(p string, at time.Time, deleted bool) (engine.Version, bool) {
	var found engine.Version
	ok := false
	for _, v := range f.versions[p] {
		if v.Recorded <= at.UnixNano() {
			found, ok = v, true
		}
	}
	return found, ok && (deleted || !found.Deleted)
}

func (f *fakeArchive) entry(v engine.Version) webarchive.Entry {
	return webarchive.Entry{Path: v.Path, Name: path.Base(v.Path), Dir: v.Type == engine.TypeDir, Deleted: v.Deleted,
		Size: v.Size, ModTime: time.Unix(0, v.ModTime), Recorded: time.Unix(0, v.Recorded), Versions: len(f.versions[v.Path])}
}

func (f *fakeArchive) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
}

func (f *fakeArchive) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

func (f *fakeArchive) Roots(at time.Time) ([]webarchive.Entry, error) {
	v, _ := f.asOf("/home/ana", at, true)
	return []webarchive.Entry{f.entry(v)}, nil
}

func (f *fakeArchive) List(dir string, at time.Time, deleted bool) ([]webarchive.Entry, error) {
	f.mu.Lock()
	f.lastAt = at
	f.mu.Unlock()
	var out []webarchive.Entry
	for p := range f.versions {
		if path.Dir(p) == dir {
			if v, ok := f.asOf(p, at, deleted); ok {
				out = append(out, f.entry(v))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (f *fakeArchive) Search(under, query string, at time.Time, deleted bool, max int) ([]webarchive.Entry, error) {
	var out []webarchive.Entry
	for p := range f.versions {
		if strings.HasPrefix(p, under+"/") && strings.Contains(path.Base(p), query) {
			if v, ok := f.asOf(p, at, deleted); ok {
				out = append(out, f.entry(v))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (f *fakeArchive) Versions(p string) ([]engine.Version, error) {
	vs := f.versions[p]
	if len(vs) == 0 {
		return nil, engine.ErrNotFound
	}
	out := append([]engine.Version(nil), vs...)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func (f *fakeArchive) WriteFile(ctx context.Context, w io.Writer, p string, recorded int64) error {
	if f.isClosed() {
		return webarchive.ErrClosed
	}
	c, ok := f.content[fmt.Sprint(p, recorded)]
	if !ok {
		return engine.ErrNotFound
	}
	_, err := io.WriteString(w, c)
	return err
}

func (f *fakeArchive) FolderSize(dir string, at time.Time) (int, int64, error) {
	n, total := 0, int64(0)
	for p := range f.versions {
		if strings.HasPrefix(p, dir+"/") {
			if v, ok := f.asOf(p, at, false); ok && v.Type == engine.TypeRegular {
				n, total = n+1, total+v.Size
			}
		}
	}
	return n, total, nil
}

func (f *fakeArchive) WriteZip(ctx context.Context, w io.Writer, dir string, at time.Time, maxBytes int64) error {
	_, n, _ := f.FolderSize(dir, at)
	if n > maxBytes {
		return webarchive.ErrTooLarge
	}
	_, err := fmt.Fprintf(w, "zip of %s", dir)
	return err
}
