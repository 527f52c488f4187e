package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/vault"
)

// Data is the server's data folder, open:
//
//	records.db     the records (SQLite, with -wal and -shm beside it)
//	objects/ trash/ tmp/   the blobs (package blobs)
//	tls/           the self-signed certificate, when the server makes one
//	commit.lock    serialises commits between the server and commands
//	serve.lock     held by the running server
type Data struct {
	Dir     string
	Records *records.SQL
	Blobs   *blobs.Disk
	Vault   *vault.Vault
}

// Names in the data folder.
const (
	RecordsFile = "records.db"
	TLSDir      = "tls"
	serveLock   = "serve.lock"
	commitLock  = "commit.lock"
)

// SettingGrace is the records' setting where Serve leaves its grace window,
// for the trash commands.
const SettingGrace = "grace"

// OpenData opens (creating it if needed) the data folder dir. now is the
// server clock (nil: time.Now).
func OpenData(ctx context.Context, dir string, now func() time.Time, log *slog.Logger) (*Data, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	bl, err := blobs.OpenDisk(abs)
	if err != nil {
		return nil, err
	}
	rec, err := records.OpenSQLite(ctx, filepath.Join(abs, RecordsFile))
	if err != nil {
		return nil, err
	}
	v, err := vault.New(rec, bl, vault.Options{LockFile: filepath.Join(abs, commitLock), Now: now, Logger: log})
	if err != nil {
		rec.Close()
		return nil, err
	}
	return &Data{Dir: abs, Records: rec, Blobs: bl, Vault: v}, nil
}

// Close closes the records and the lock.
func (d *Data) Close() error {
	return errors.Join(d.Vault.Close(), d.Records.Close())
}

// ErrRunning: another server uses the data folder.
var ErrRunning = errors.New("another cairn-server is serving this data folder")

// LockServe makes sure this is the only server on the data folder, until
// release is called; and, since no other server can be writing, it removes
// what uploads cut short by a crash left behind.
func (d *Data) LockServe(ctx context.Context) (release func(), err error) {
	f, ok, err := vault.TryLockFile(filepath.Join(d.Dir, serveLock))
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", d.Dir, ErrRunning)
	}
	if _, err := d.Blobs.CleanTemp(ctx, time.Now().Add(time.Minute)); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
