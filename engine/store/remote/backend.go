package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/store"
)

// Config describes a server destination.
type Config struct {
	URL         string
	DeviceID    string
	Token       string
	Fingerprint string // pinned certificate, "" when system authorities vouch for it
	// Spool is the local folder for the queue of objects not sent yet.
	Spool string
	// MaxSpool bounds the queue (bytes). Default 5 GiB.
	MaxSpool int64
	// MaxObject bounds what Cairn accepts to read from the server in one
	// object. Default 1 GiB.
	MaxObject int64
	// Limit, when set, wraps each upload's body to hold it to a bandwidth
	// limit (engine/throttle.Limiter.Reader); nil: as fast as the network.
	Limit func(ctx context.Context, r io.Reader) io.Reader
}

// Backend is a server destination. Safe for concurrent use.
type Backend struct {
	cfg   Config
	c     *client
	spool *spool

	mu           sync.Mutex
	offlineUntil time.Time // skip sending until then after a failure

	retryDelay time.Duration // between attempts in Drain (tests shorten it)
	offlineFor time.Duration // how long sending pauses after a failure (tests shorten it)
}

var (
	_ store.Backend = (*Backend)(nil)
	_ store.Queue   = (*Backend)(nil)
	_ store.Clock   = (*Backend)(nil)
)

// retryAfter is how long sending pauses after the server could not be
// reached, so a backup does not wait on timeouts for every object.
const retryAfter = 30 * time.Second

// Open returns the backend for cfg.
func Open(cfg Config) (*Backend, error) {
	if cfg.MaxSpool <= 0 {
		cfg.MaxSpool = 5 << 30
	}
	if cfg.MaxObject <= 0 {
		cfg.MaxObject = 1 << 30
	}
	if !validID(cfg.DeviceID) {
		return nil, fmt.Errorf("invalid device id %q", cfg.DeviceID)
	}
	c, err := newClient(cfg.URL, cfg.Fingerprint, cfg.Token)
	if err != nil {
		return nil, err
	}
	sp, err := openSpool(cfg.Spool, cfg.MaxSpool)
	if err != nil {
		return nil, err
	}
	return &Backend{cfg: cfg, c: c, spool: sp, retryDelay: time.Second, offlineFor: retryAfter}, nil
}

// Location implements store.Backend.
func (b *Backend) Location() string { return b.cfg.URL }

// Close implements store.Backend.
func (b *Backend) Close() error {
	b.c.http.CloseIdleConnections()
	return nil
}

// Now implements store.Clock: the server's time.
func (b *Backend) Now() time.Time { return b.c.now() }

// ClockSkew is how far this computer's clock is from the server's, as of
// the last answer.
func (b *Backend) ClockSkew() time.Duration { return time.Duration(b.c.offset.Load()) }

// Pending implements store.Queue.
func (b *Backend) Pending() (int, int64) { return b.spool.pending() }

func (b *Backend) objectURL(kind store.Kind, name string) string {
	return b.c.url("api", "v1", "devices", b.cfg.DeviceID, string(kind), name)
}

func (b *Backend) offline() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Now().Before(b.offlineUntil)
}

func (b *Backend) noteFailure(err error) {
	if errors.Is(err, store.ErrOffline) {
		b.mu.Lock()
		b.offlineUntil = time.Now().Add(b.offlineFor)
		b.mu.Unlock()
	}
}

func (b *Backend) noteSuccess() {
	b.mu.Lock()
	b.offlineUntil = time.Time{}
	b.mu.Unlock()
}

// Create implements store.Backend: the object is written to the queue; Commit
// makes it durable there and sends it when the server can be reached.
func (b *Backend) Create(ctx context.Context, kind store.Kind) (store.Upload, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := b.spool.create()
	if err != nil {
		return nil, err
	}
	return &upload{b: b, ctx: ctx, kind: kind, f: f}, nil
}

type upload struct {
	b    *Backend
	ctx  context.Context
	kind store.Kind
	f    *os.File
	done bool
}

func (u *upload) Write(p []byte) (int, error) { return u.f.Write(p) }

func (u *upload) Abort() error {
	if u.done {
		return nil
	}
	u.done = true
	u.f.Close()
	return os.Remove(u.f.Name())
}

func (u *upload) Commit(name string) error {
	if u.done {
		return errors.New("upload already finished")
	}
	u.done = true
	if err := store.CheckName(u.kind, name); err != nil {
		u.f.Close()
		os.Remove(u.f.Name())
		return err
	}
	if err := u.b.spool.commit(u.f, u.kind, name); err != nil {
		return err
	}
	if u.kind == store.KindConfig {
		u.b.cacheConfig(name)
	}
	if u.b.offline() {
		return nil // queued; sent by Drain
	}
	err := u.b.send(u.ctx, u.kind, name)
	if errors.Is(err, store.ErrOffline) {
		return nil // queued
	}
	return err
}

// send uploads one queued object and removes it from the queue once the
// server has acknowledged it (it is durable there).
func (b *Backend) send(ctx context.Context, kind store.Kind, name string) error {
	path := b.spool.path(kind, name)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var body io.Reader = f
	if b.cfg.Limit != nil {
		body = b.cfg.Limit(ctx, f)
	}
	resp, err := b.c.do(ctx, http.MethodPut, b.objectURL(kind, name), body, st.Size(),
		map[string]string{"Content-Type": "application/octet-stream"})
	if err != nil {
		b.noteFailure(err)
		return fmt.Errorf("send %s/%s to %s: %w", kind, name, b.c.base.Host, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("send %s/%s: the server answered %s", kind, name, statusLine(resp))
	}
	b.noteSuccess()
	return b.spool.sent(kind, name)
}

// drainOrder sends packs before the segments that refer to them.
var drainOrder = []store.Kind{store.KindPack, store.KindSegment, store.KindKey, store.KindConfig, store.KindLock}

// Drain implements store.Queue. An object whose upload was cut off is sent
// once more at once (a dropped connection); when the server cannot be
// reached at all, Drain stops and reports ErrOffline, and the next call
// (the next backup, or the service's next attempt) carries on.
func (b *Backend) Drain(ctx context.Context) error {
	if b.offline() {
		return fmt.Errorf("%w: %s did not answer less than %s ago", store.ErrOffline, b.c.base.Host, b.offlineFor)
	}
	for _, kind := range drainOrder {
		for _, name := range b.spool.list(kind) {
			err := b.send(ctx, kind, name)
			if errors.Is(err, store.ErrOffline) && !isRefused(err) {
				select {
				case <-time.After(b.retryDelay):
				case <-ctx.Done():
					return ctx.Err()
				}
				err = b.send(ctx, kind, name)
			}
			if err != nil {
				return err
			}
		}
	}
	for _, d := range b.spool.deletions() {
		if err := b.remove(ctx, d.kind, d.name); err != nil {
			return err
		}
		b.spool.deleted(d.kind, d.name)
	}
	return nil
}

// Open implements store.Backend.
func (b *Backend) Open(ctx context.Context, kind store.Kind, name string) (store.Object, error) {
	if err := store.CheckName(kind, name); err != nil {
		return nil, err
	}
	if f, err := os.Open(b.spool.path(kind, name)); err == nil {
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		return localObject{f, st.Size()}, nil
	}
	if kind == store.KindConfig {
		return b.openConfig(ctx, name)
	}
	size, _, err := b.head(ctx, kind, name)
	if err != nil {
		return nil, err
	}
	return &remoteObject{b: b, ctx: ctx, url: b.objectURL(kind, name), size: size}, nil
}

// openConfig serves the archive's configuration objects from a local copy:
// they never change, and an archive must open (to queue a backup) while the
// server cannot be reached.
func (b *Backend) openConfig(ctx context.Context, name string) (store.Object, error) {
	cached := filepath.Join(b.spool.dir, "cache", name)
	if f, err := os.Open(cached); err == nil {
		st, err := f.Stat()
		if err == nil {
			return localObject{f, st.Size()}, nil
		}
		f.Close()
	}
	size, _, err := b.head(ctx, store.KindConfig, name)
	if err != nil {
		return nil, err
	}
	if size > 1<<20 {
		return nil, fmt.Errorf("config/%s is %d bytes, more than Cairn accepts", name, size)
	}
	data := make([]byte, size)
	obj := &remoteObject{b: b, ctx: ctx, url: b.objectURL(store.KindConfig, name), size: size}
	if _, err := obj.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	os.MkdirAll(filepath.Dir(cached), 0o700)
	if err := os.WriteFile(cached+".tmp", data, 0o600); err == nil {
		os.Rename(cached+".tmp", cached)
	}
	return &memObject{data}, nil
}

// cacheConfig keeps a copy of a configuration object written here, so the
// archive opens while the server cannot be reached.
func (b *Backend) cacheConfig(name string) {
	data, err := os.ReadFile(b.spool.path(store.KindConfig, name))
	if err != nil {
		return
	}
	cached := filepath.Join(b.spool.dir, "cache", name)
	os.MkdirAll(filepath.Dir(cached), 0o700)
	if os.WriteFile(cached+".tmp", data, 0o600) == nil {
		os.Rename(cached+".tmp", cached)
	}
}

type memObject struct{ b []byte }

func (o *memObject) Size() int64  { return int64(len(o.b)) }
func (o *memObject) Close() error { return nil }
func (o *memObject) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(o.b)) {
		return 0, io.EOF
	}
	n := copy(p, o.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Ping says whether the server answers, within a few seconds.
func (b *Backend) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := b.c.do(ctx, http.MethodGet, b.c.url("healthz"), nil, 0, nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

type localObject struct {
	*os.File
	size int64
}

func (o localObject) Size() int64 { return o.size }

func (b *Backend) head(ctx context.Context, kind store.Kind, name string) (int64, int64, error) {
	resp, err := b.c.do(ctx, http.MethodHead, b.objectURL(kind, name), nil, 0, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("%s/%s: %w", kind, name, err)
	}
	resp.Body.Close()
	if resp.ContentLength < 0 || resp.ContentLength > b.cfg.MaxObject {
		return 0, 0, fmt.Errorf("%s/%s: the server gives a size of %d bytes, which Cairn does not accept", kind, name, resp.ContentLength)
	}
	arrived, _ := strconv.ParseInt(resp.Header.Get("X-Cairn-Arrived"), 10, 64)
	return resp.ContentLength, arrived, nil
}

// remoteObject reads an object with ranged requests.
type remoteObject struct {
	b    *Backend
	ctx  context.Context
	url  string
	size int64
}

func (o *remoteObject) Size() int64  { return o.size }
func (o *remoteObject) Close() error { return nil }

func (o *remoteObject) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= o.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), o.size-off)
	if want == 0 {
		return 0, nil
	}
	resp, err := o.b.c.do(o.ctx, http.MethodGet, o.url, nil, 0,
		map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", off, off+want-1)})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body := io.Reader(resp.Body)
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK: // the server ignored the range: skip to it
		if _, err := io.CopyN(io.Discard, resp.Body, off); err != nil {
			return 0, fmt.Errorf("%w: reading from the server: %v", store.ErrOffline, printable.Error(err))
		}
	default:
		return 0, fmt.Errorf("the server answered %s to a read", statusLine(resp))
	}
	n, err := io.ReadFull(body, p[:want])
	if err != nil {
		return n, fmt.Errorf("%w: the server sent %d of %d bytes: %v", io.ErrUnexpectedEOF, n, want, printable.Error(err))
	}
	if want < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// Stat implements store.Backend.
func (b *Backend) Stat(ctx context.Context, kind store.Kind, name string) (int64, error) {
	if err := store.CheckName(kind, name); err != nil {
		return 0, err
	}
	if st, err := os.Stat(b.spool.path(kind, name)); err == nil {
		return st.Size(), nil
	}
	size, _, err := b.head(ctx, kind, name)
	return size, err
}

// List implements store.Backend: what the server holds and what waits in
// the queue.
func (b *Backend) List(ctx context.Context, kind store.Kind, fn func(string, int64) error) error {
	var entries []struct {
		Name    string `json:"name"`
		Size    int64  `json:"size"`
		Arrived int64  `json:"arrived"`
	}
	if err := b.c.getJSON(ctx, b.c.url("api", "v1", "devices", b.cfg.DeviceID, string(kind))+"/", &entries); err != nil {
		b.noteFailure(err)
		return fmt.Errorf("list %s at %s: %w", kind, b.c.base.Host, err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !store.ValidName(e.Name) || e.Size < 0 || e.Size > b.cfg.MaxObject || seen[e.Name] {
			return fmt.Errorf("the server's list of %s is not what Cairn expects (entry %q of %d bytes)", kind, printable.Name(e.Name), e.Size)
		}
		seen[e.Name] = true
		if b.spool.has(kind, e.Name) {
			continue
		}
		if err := fn(e.Name, e.Size); err != nil {
			return err
		}
	}
	for _, name := range b.spool.list(kind) {
		st, err := os.Stat(b.spool.path(kind, name))
		if err != nil {
			continue
		}
		if err := fn(name, st.Size()); err != nil {
			return err
		}
	}
	return nil
}

// Remove implements store.Backend. While the server cannot be reached the
// deletion is queued. The server keeps what a device deletes for its grace
// window (ransomware protection).
func (b *Backend) Remove(ctx context.Context, kind store.Kind, name string) error {
	if err := store.CheckName(kind, name); err != nil {
		return err
	}
	b.spool.drop(kind, name)
	err := b.remove(ctx, kind, name)
	if errors.Is(err, store.ErrOffline) {
		return b.spool.queueDeletion(kind, name)
	}
	return err
}

func (b *Backend) remove(ctx context.Context, kind store.Kind, name string) error {
	resp, err := b.c.do(ctx, http.MethodDelete, b.objectURL(kind, name), nil, 0, nil)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	if err != nil {
		b.noteFailure(err)
		return fmt.Errorf("delete %s/%s: %w", kind, name, err)
	}
	resp.Body.Close()
	return nil
}

// isRefused says the server is not there at all (nothing listens, no
// route): retrying at once is pointless.
func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || strings.Contains(err.Error(), "no such host")
}
