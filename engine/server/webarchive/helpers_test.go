package webarchive

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

var ctx = context.Background()

const archivePassword = "correct horse battery"

// clock is a server clock the test moves.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// world is a real server (in this process, over TLS) and a real computer
// backing up one folder to it.
type world struct {
	t     testing.TB
	clock *clock
	data  *server.Data
	src   string // the folder backed up
	d     *device.Device
	devID string
	home  string // the computer's Cairn folder
	url   string // the server's
	fp    string // its certificate's fingerprint
}

func newWorld(t testing.TB, start time.Time) *world {
	t.Helper()
	w := &world{t: t, clock: &clock{}}
	w.clock.set(start)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, t.TempDir(), w.clock.now, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	w.data = data
	h, _ := passhash.Hash([]byte("account password"), passhash.Test)
	if _, err := data.Records.AddUser(ctx, records.User{Name: "ana", PasswordHash: h}); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test, Now: w.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)

	dir := t.TempDir()
	w.src = filepath.Join(dir, "home", "ana")
	if err := os.MkdirAll(w.src, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "cairn")
	w.home, w.url, w.fp = home, ts.URL, remote.Fingerprint(ts.Certificate().Raw)
	d, err := device.Open(home, device.Options{UserHome: w.src, Secrets: secrets.Folder(filepath.Join(home, "secrets"))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	w.d = d
	pw := func(string, bool) ([]byte, error) { return []byte(archivePassword), nil }
	if _, err := d.AddServerDestination(ctx, device.ServerSignIn{Name: "work", URL: ts.URL, User: "ana", Device: "laptop",
		Fingerprint: remote.Fingerprint(ts.Certificate().Raw),
		Password:    func() ([]byte, error) { return []byte("account password"), nil }}, pw, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := d.AddFiles(w.src); err != nil {
		t.Fatal(err)
	}
	w.devID = d.Config().Destinations[0].DeviceID
	return w
}

// backup runs a backup pass and fails the test on any error.
func (w *world) backup() {
	w.t.Helper()
	res, err := w.d.Backup(ctx, "", device.BackupOptions{})
	if err != nil {
		w.t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		w.t.Fatalf("backup errors: %v", res.Errors)
	}
}

// source is the device's archive as the web side reads it.
func (w *world) source() store.Backend {
	return DeviceSourceListed(w.data.Blobs, w.data.Records, w.devID)
}

// open unlocks the device's archive.
func (w *world) open() *Archive {
	w.t.Helper()
	a, err := Open(ctx, w.source(), []byte(archivePassword))
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(a.Close)
	return a
}

// objectFile is where the server keeps one of the device's objects.
func (w *world) objectFile(kind store.Kind) string {
	w.t.Helper()
	var file string
	w.source().List(ctx, kind, func(name string, _ int64) error {
		file = filepath.Join(w.data.Blobs.Root(), "objects", w.devID, string(kind), name)
		if kind == store.KindPack {
			file = filepath.Join(w.data.Blobs.Root(), "objects", w.devID, string(kind), name[:2], name)
		}
		return nil
	})
	if file == "" {
		w.t.Fatalf("no %s stored", kind)
	}
	return file
}

// write writes files under the backed-up folder with the given mod time.
func (w *world) write(files map[string]string, mtime time.Time) {
	w.t.Helper()
	for rel, data := range files {
		p := filepath.Join(w.src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			w.t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			w.t.Fatal(err)
		}
	}
}

// asDevice is the computer's own connection to the server (its token), to
// send what a computer could send.
func (w *world) asDevice() *remote.Backend {
	w.t.Helper()
	token, err := secrets.Folder(filepath.Join(w.home, "secrets")).Get("server-token-work")
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := remote.Open(remote.Config{URL: w.url, DeviceID: w.devID, Token: string(token), Fingerprint: w.fp, Spool: w.t.TempDir()})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { b.Close() })
	return b
}
