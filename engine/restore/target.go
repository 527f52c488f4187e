package restore

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/fs"
)

// target is where one archive path goes: the folder (relative to the
// restore root, as elements) and the name in it.
type target struct {
	dir  string // relative folder path under the root, "" for the root itself
	name string
}

func (t target) String() string { return path.Join(t.dir, t.name) }

var errBadName = errors.New("the archive holds an invalid name: refused, nothing written for it")

// checkElements validates every element of a relative path: no empty,
// ".", ".." or NUL-containing element can reach the disk.
func checkElements(rel string) error {
	if rel == "" {
		return nil
	}
	for _, el := range strings.Split(rel, "/") {
		if el == "" || el == "." || el == ".." || strings.IndexByte(el, 0) >= 0 {
			return fmt.Errorf("%w: %q", errBadName, rel)
		}
	}
	return nil
}

// dirs opens folders under a root by relative path, caching handles. Not
// safe for concurrent use: each goroutine has its own.
type dirs struct {
	root  *fs.Dir
	cache map[string]*fs.Dir
}

const maxOpenDirs = 256

func newDirs(root *fs.Dir) *dirs { return &dirs{root: root, cache: map[string]*fs.Dir{}} }

// open returns the handle of folder rel ("" = root), opening each element
// without following symlinks. With create, missing folders are made.
func (d *dirs) open(rel string, create bool) (*fs.Dir, error) {
	if rel == "" {
		return d.root, nil
	}
	if h, ok := d.cache[rel]; ok {
		return h, nil
	}
	parent, err := d.open(parentOf(rel), create)
	if err != nil {
		return nil, err
	}
	name := path.Base(rel)
	h, err := parent.OpenDir(name)
	if err != nil && create && fs.IsNotExist(err) {
		if err = parent.Mkdir(name, 0o700); err == nil || isExist(err) {
			h, err = parent.OpenDir(name)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(d.cache) >= maxOpenDirs {
		d.closeAll()
	}
	d.cache[rel] = h
	return h, nil
}

// rootDirs holds a dirs per restore root. Not safe for concurrent use.
type rootDirs map[*restoreRoot]*dirs

// open returns the handle of folder rel under root, without creating it.
func (rd rootDirs) open(root *restoreRoot, rel string) (*fs.Dir, error) {
	d, ok := rd[root]
	if !ok {
		d = newDirs(root.dir)
		rd[root] = d
	}
	return d.open(rel, false)
}

func (rd rootDirs) closeAll() {
	for _, d := range rd {
		d.closeAll()
	}
}

func (d *dirs) closeAll() {
	for k, h := range d.cache {
		h.Close()
		delete(d.cache, k)
	}
}

func parentOf(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return ""
}

// asideName is the name an existing entry is moved to: "report (before
// restore 2026-11-25 1402).txt", with " 2", " 3"… when that is taken too.
func asideName(name string, now time.Time, n int) string {
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	tag := "before restore " + now.Format("2006-01-02 1504")
	if n > 1 {
		tag += fmt.Sprintf(" %d", n)
	}
	return fmt.Sprintf("%s (%s)%s", stem, tag, ext)
}
