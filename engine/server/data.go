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
//	objects/ trash/ tmp/   the blobs (package blobs), unless they are elsewhere
//	tls/           the self-signed certificate, when the server makes one
//	commit.lock    serialises commits between the server and commands
//	serve.lock     held by the running server
type Data struct {
	Dir     string
	Records *records.SQL
	// Objects keeps the objects' bytes: Blobs, or the store named when
	// opening (OpenDataBlobs).
	Objects blobs.Store
	// Blobs is Objects when the objects are in the data folder; nil when
	// they are in another store.
	Blobs *blobs.Disk
	Vault *vault.Vault
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
	return OpenDataBlobs(ctx, dir, "", now, log)
}

// OpenDataBlobs is OpenData with the objects in the store blobsURL names
// (blobs.Open: a folder, file:///path or s3://bucket…); "" keeps them in
// the data folder.
func OpenDataBlobs(ctx context.Context, dir, blobsURL string, now func() time.Time, log *slog.Logger) (*Data, error) {
	return OpenDataWith(ctx, dir, "", blobsURL, now, log)
}

// OpenDataWith is OpenDataBlobs with the records in the store recordsSpec
// names (records.Open: a SQLite file or a postgres:// URL); "" keeps them in
// the data folder (records.db).
func OpenDataWith(ctx context.Context, dir, recordsSpec, blobsURL string, now func() time.Time, log *slog.Logger) (*Data, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	var disk *blobs.Disk
	var bl blobs.Store
	if blobsURL == "" {
		disk, err = blobs.OpenDisk(abs)
		bl = disk
	} else {
		bl, err = blobs.Open(ctx, blobsURL)
	}
	if err != nil {
		return nil, err
	}
	if recordsSpec == "" {
		recordsSpec = filepath.Join(abs, RecordsFile)
	}
	rec, err := records.Open(ctx, recordsSpec)
	if err != nil {
		return nil, err
	}
	v, err := vault.New(rec, bl, vault.Options{LockFile: filepath.Join(abs, commitLock), Now: now, Logger: log})
	if err != nil {
		rec.Close()
		return nil, err
	}
	return &Data{Dir: abs, Records: rec, Objects: bl, Blobs: disk, Vault: v}, nil
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
	before := time.Now().Add(time.Minute)
	if d.Blobs == nil { // a store other servers may be uploading to: only what is surely abandoned
		before = time.Now().Add(-24 * time.Hour)
	}
	if _, err := d.Objects.CleanTemp(ctx, before); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
