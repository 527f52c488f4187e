package web

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
)

// Archive is an archive opened with its password: what the pages read.
// *webarchive.Archive is one.
type Archive interface {
	Close()
	Roots(at time.Time) ([]webarchive.Entry, error)
	List(dir string, at time.Time, deleted bool) ([]webarchive.Entry, error)
	Search(under, query string, at time.Time, deleted bool, max int) ([]webarchive.Entry, error)
	Versions(path string) ([]engine.Version, error)
	WriteFile(ctx context.Context, w io.Writer, path string, recorded int64) error
	FolderSize(dir string, at time.Time) (files int, bytes int64, err error)
	WriteZip(ctx context.Context, w io.Writer, dir string, at time.Time, maxBytes int64) error
}

// poolOpener is Options.OpenArchive over the server's blobs: through pool,
// which shares an archive between its owner's sessions and caps them.
func poolOpener(pool *webarchive.Pool, bl blobs.Store, rec Records) func(context.Context, string, []byte) (Archive, error) {
	return func(ctx context.Context, device string, password []byte) (Archive, error) {
		d, err := rec.Device(ctx, device)
		if err != nil {
			return nil, fmt.Errorf("read device %s: %w", device, err)
		}
		src := webarchive.DeviceSourceListed(bl, rec, device)
		a, err := pool.Open(ctx, strconv.FormatInt(d.UserID, 10), device, src, password)
		if err != nil {
			return nil, err // not a nil *Shared in an Archive
		}
		return a, nil
	}
}

// openKey names an open archive: a session's, of a device.
type openKey struct{ session, device string }

// openArchive is an open archive and the requests using it: Close waits
// for them (a download in flight finishes first).
type openArchive struct {
	a  Archive
	mu sync.RWMutex
}

// openArchives is the archives open in memory. Nothing of them is written
// anywhere; forget closes them.
type openArchives struct {
	mu sync.Mutex
	m  map[openKey]*openArchive
}

func newOpenArchives() *openArchives { return &openArchives{m: map[openKey]*openArchive{}} }

// put keeps a, closing the one it replaces.
func (o *openArchives) put(k openKey, a Archive) {
	o.mu.Lock()
	old := o.m[k]
	o.m[k] = &openArchive{a: a}
	o.mu.Unlock()
	if old != nil {
		go old.close()
	}
}

// use returns the open archive of k and a release to call when done.
func (o *openArchives) use(k openKey) (Archive, func(), bool) {
	o.mu.Lock()
	oa := o.m[k]
	o.mu.Unlock()
	if oa == nil {
		return nil, nil, false
	}
	oa.mu.RLock()
	return oa.a, oa.mu.RUnlock, true
}

func (o *openArchives) has(k openKey) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.m[k] != nil
}

// forget closes the archives of a session (device "" : all of them).
func (o *openArchives) forget(session string) { o.forgetDevice(session, "") }

func (o *openArchives) forgetDevice(session, device string) {
	o.mu.Lock()
	var gone []*openArchive
	for k, oa := range o.m {
		if k.session == session && (device == "" || k.device == device) {
			gone = append(gone, oa)
			delete(o.m, k)
		}
	}
	o.mu.Unlock()
	for _, oa := range gone {
		go oa.close() // waits for downloads in flight
	}
}

func (o *openArchives) sessions() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	seen := map[string]bool{}
	var hs []string
	for k := range o.m {
		if !seen[k.session] {
			seen[k.session] = true
			hs = append(hs, k.session)
		}
	}
	return hs
}

func (o *openArchives) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.m)
}

// closeAll closes every archive and waits for them.
func (o *openArchives) closeAll() {
	o.mu.Lock()
	all := o.m
	o.m = map[openKey]*openArchive{}
	o.mu.Unlock()
	var wg sync.WaitGroup
	for _, oa := range all {
		wg.Go(oa.close)
	}
	wg.Wait()
}

func (oa *openArchive) close() {
	oa.mu.Lock()
	defer oa.mu.Unlock()
	oa.a.Close()
}

// OpenArchives is how many archives are open in memory (one shared by
// several sessions counts once) and the index memory they keep; with
// Options.OpenArchive given, the sessions' archives and 0.
func (w *Web) OpenArchives() (archives int, memory int64) {
	if w.pool != nil {
		return w.pool.Stats()
	}
	return w.open.count(), 0
}
