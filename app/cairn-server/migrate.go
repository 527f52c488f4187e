package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// migrateSummary is the migrate command's line in the usage.
var migrateSummary = []string{
	"migrate --to-db postgres://… [--to-blobs s3://…|DIR] [--db SPEC]   copy the records (and objects), verified",
}

// cmdMigrate copies a server's records, and with --to-blobs its objects,
// into other stores (SQLite and the data folder to PostgreSQL and S3), then
// verifies: row counts and digests of every table; the count, sizes and
// SHA-256 of every object. Run again after an interruption, it skips what is
// there already and verifies everything again.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("migrate", e)
	fromDB := fs.String("db", "", "the records to copy (default: records.db in the data folder)")
	toDB := fs.String("to-db", "", "the records to fill: a postgres:// URL (or a SQLite file)")
	toBlobs := fs.String("to-blobs", "", "where to copy the objects: s3://BUCKET?endpoint=… or a folder (default: they stay)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	if *toDB == "" {
		return usageErr("give --to-db, the records to copy into (postgres://USER@HOST/DB)")
	}
	dir, err := e.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	data, err := server.OpenDataWith(ctx, dir, *fromDB, "", e.now, e.logger(slog.LevelWarn))
	if err != nil {
		return err
	}
	defer data.Close()
	release, err := data.LockServe(ctx)
	if errors.Is(err, server.ErrRunning) {
		return fmt.Errorf("%w; stop it first: what it writes meanwhile would not be copied", err)
	}
	if err != nil {
		return err
	}
	defer release()
	to, err := records.Open(ctx, *toDB)
	if err != nil {
		return err
	}
	defer to.Close()
	if err := migrateRecords(ctx, e, data.Records, to, records.Redact(*toDB)); err != nil {
		return err
	}
	if *toBlobs != "" {
		dst, err := blobs.Open(ctx, *toBlobs)
		if err != nil {
			return err
		}
		m := &blobMigration{e: e, rec: data.Records, src: data.Objects, dst: dst}
		if err := m.copy(ctx); err != nil {
			return err
		}
		if err := m.verify(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, "migrated and verified; start the server on the new stores:")
	fmt.Fprintf(e.stdout, "  cairn-server serve --db %s", records.Redact(*toDB))
	if *toBlobs != "" {
		fmt.Fprintf(e.stdout, " --blobs %s", *toBlobs)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func migrateRecords(ctx context.Context, e *env, from, to *records.SQL, toName string) error {
	fmt.Fprintf(e.stdout, "records: copying to %s\n", toName)
	last := time.Now()
	err := records.Copy(ctx, from, to, func(p records.CopyProgress) {
		if p.Done || time.Since(last) > 2*time.Second {
			last = time.Now()
			state := "…"
			if p.Done {
				state = "done"
			}
			fmt.Fprintf(e.stdout, "  %-14s %8d copied %8d there already  %s\n", p.Table, p.Copied, p.Skipped, state)
		}
	})
	if err != nil {
		return err
	}
	sums, err := records.Verify(ctx, from, to)
	if err != nil {
		return err
	}
	var rows int64
	for _, s := range sums {
		rows += s.Rows
	}
	fmt.Fprintf(e.stdout, "records: verified, %d tables and %d rows the same on both sides\n", len(sums), rows)
	return nil
}

// blobMigration copies the objects the records list (live and trashed)
// from one blob store to another. The trash keeps each object under its
// record's ID, which the records copy keeps.
type blobMigration struct {
	e        *env
	rec      records.Store
	src, dst blobs.Store
}

// trashOpener is a store that can read a trashed object.
type trashOpener interface {
	OpenTrashed(ctx context.Context, ref blobs.Ref, trashID int64) (blobs.Object, error)
}

// eachObject calls fn for every object the records list, trashed ones
// first, a page at a time.
func (m *blobMigration) eachObject(ctx context.Context, fn func(records.Object) error) error {
	for _, state := range []records.State{records.Trashed, records.Live} {
		var after int64
		for {
			page, err := m.rec.Objects(ctx, records.ObjectQuery{State: state, AfterID: after, Limit: 1000})
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			for _, o := range page {
				if err := fn(o); err != nil {
					return err
				}
			}
			after = page[len(page)-1].ID
		}
	}
	return nil
}

func refOf(o records.Object) (blobs.Ref, int64) {
	r := blobs.Ref{Device: o.Device, Kind: o.Kind, Name: o.Name}
	if o.Live() {
		return r, 0
	}
	return r, o.ID
}

func (m *blobMigration) copy(ctx context.Context) error {
	fmt.Fprintln(m.e.stdout, "objects: copying")
	var copied, there, bytes int64
	last := time.Now()
	err := m.eachObject(ctx, func(o records.Object) error {
		r, id := refOf(o)
		if info, err := m.dst.Stat(ctx, r, id); err == nil && info.Size == o.Size {
			there++
			return nil
		}
		if err := m.copyOne(ctx, o, r, id); err != nil {
			return fmt.Errorf("copy %s (record %d): %w", r, o.ID, err)
		}
		copied++
		bytes += o.Size
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			fmt.Fprintf(m.e.stdout, "  %d copied (%s), %d there already…\n", copied, formatSize(bytes), there)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.e.stdout, "  %d copied (%s), %d there already\n", copied, formatSize(bytes), there)
	return nil
}

// copyOne copies one object; a trashed one is stored under its name, then
// moved to the trash (the only way into a store's trash).
func (m *blobMigration) copyOne(ctx context.Context, o records.Object, r blobs.Ref, id int64) error {
	f, err := m.open(ctx, m.src, r, id)
	if err != nil {
		return err
	}
	defer f.Close()
	if id != 0 {
		// A copy cut short between the two steps left it under its name.
		if info, err := m.dst.Stat(ctx, r, 0); err == nil && info.Size == o.Size {
			return m.dst.Trash(ctx, r, id)
		}
	}
	if err := blobs.Put(ctx, m.dst, r, f.Size(), f); err != nil {
		return err
	}
	if id != 0 {
		return m.dst.Trash(ctx, r, id)
	}
	return nil
}

// open reads an object of s: a live one, or a trashed one where the store
// can (OpenTrashed; a folder's files directly).
func (m *blobMigration) open(ctx context.Context, s blobs.Store, r blobs.Ref, id int64) (blobs.Object, error) {
	if id == 0 {
		return s.Open(ctx, r)
	}
	if t, ok := s.(trashOpener); ok {
		return t.OpenTrashed(ctx, r, id)
	}
	if d, ok := s.(*blobs.Disk); ok {
		return openDiskTrash(d, r, id)
	}
	return nil, errCannotReadTrash
}

var errCannotReadTrash = errors.New("this store cannot read its trash")

// openDiskTrash opens a trashed object of a folder store, where its layout
// (package blobs, doc.go) puts it.
func openDiskTrash(d *blobs.Disk, r blobs.Ref, id int64) (blobs.Object, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	parts := []string{d.Root(), "trash", r.Device, r.Kind}
	if r.Kind == "packs" && len(r.Name) > 2 {
		parts = append(parts, r.Name[:2])
	}
	f, err := os.Open(filepath.Join(append(parts, r.Name+"@"+strconv.FormatInt(id, 10))...))
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &sizedFile{File: f, size: fi.Size()}, nil
}

type sizedFile struct {
	*os.File
	size int64
}

func (f *sizedFile) Size() int64 { return f.size }

// verify compares every object on both sides: present, of the recorded
// size, with the same SHA-256.
func (m *blobMigration) verify(ctx context.Context) error {
	fmt.Fprintln(m.e.stdout, "objects: verifying (SHA-256 of every object on both sides)")
	var n, bytes, sizeOnly int64
	var bad []string
	err := m.eachObject(ctx, func(o records.Object) error {
		r, id := refOf(o)
		n++
		bytes += o.Size
		a, err := m.sum(ctx, m.src, r, id)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: cannot be read here: %v", r, err))
			return nil
		}
		b, err := m.sum(ctx, m.dst, r, id)
		if errors.Is(err, errCannotReadTrash) {
			info, serr := m.dst.Stat(ctx, r, id)
			if serr != nil || info.Size != o.Size {
				bad = append(bad, fmt.Sprintf("%s (trashed, record %d): missing or of another size there", r, o.ID))
			}
			sizeOnly++
			return nil
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: cannot be read there: %v", r, err))
			return nil
		}
		if a != b {
			bad = append(bad, fmt.Sprintf("%s: differs (%s here, %s there)", r, a, b))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		for _, b := range bad[:min(len(bad), 20)] {
			fmt.Fprintln(m.e.stderr, "  "+b)
		}
		return fmt.Errorf("%d of %d objects differ after copying (run migrate again to copy what is missing)", len(bad), n)
	}
	fmt.Fprintf(m.e.stdout, "objects: verified, %d objects (%s) the same on both sides", n, formatSize(bytes))
	if sizeOnly > 0 {
		fmt.Fprintf(m.e.stdout, "; %d trashed ones there by size only (that store cannot read its trash)", sizeOnly)
	}
	fmt.Fprintln(m.e.stdout)
	return nil
}

// sum is the SHA-256 and size of an object, as text.
func (m *blobMigration) sum(ctx context.Context, s blobs.Store, r blobs.Ref, id int64) (string, error) {
	f, err := m.open(ctx, s, r, id)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x/%d", h.Sum(nil), n), nil
}
