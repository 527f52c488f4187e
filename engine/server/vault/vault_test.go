package vault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// clock is a settable server clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

type env struct {
	v     *Vault
	rec   *records.SQL
	disk  *blobs.Disk
	clock *clock
	dev   string
	user  string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	rec, err := records.OpenSQLite(t.Context(), filepath.Join(dir, "records.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close() })
	disk, err := blobs.OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	v, err := New(rec, disk, Options{LockFile: filepath.Join(dir, "commit.lock"), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	u, err := rec.AddUser(t.Context(), records.User{Name: "ana", PasswordHash: "x", Quota: 1000})
	if err != nil {
		t.Fatal(err)
	}
	d, err := rec.RegisterDevice(t.Context(), u.ID, "laptop", "linux", c.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &env{v: v, rec: rec, disk: disk, clock: c, dev: d.ID, user: "ana"}
}

func (e *env) ref(kind, name string) blobs.Ref {
	return blobs.Ref{Device: e.dev, Kind: kind, Name: name}
}

func (e *env) put(t *testing.T, r blobs.Ref, body string) bool {
	t.Helper()
	created, err := e.v.Put(t.Context(), e.user, r, int64(len(body)), strings.NewReader(body))
	if err != nil {
		t.Fatalf("put %s: %v", r, err)
	}
	return created
}

func (e *env) read(t *testing.T, r blobs.Ref) (string, error) {
	t.Helper()
	_, f, err := e.v.Open(t.Context(), r)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return string(b), err
}

func (e *env) usage(t *testing.T) int64 {
	u, err := e.rec.User(t.Context(), e.user)
	if err != nil {
		t.Fatal(err)
	}
	return u.Used
}

func (e *env) check(t *testing.T, o CheckOptions) CheckReport {
	t.Helper()
	rep, err := e.v.Check(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestPutIsIdempotentAndImmutable(t *testing.T) {
	e := newEnv(t)
	r := e.ref("packs", "ab12")
	if !e.put(t, r, "hello") {
		t.Fatal("first put not created")
	}
	if e.put(t, r, "hello") {
		t.Fatal("retried put created again")
	}
	_, err := e.v.Put(t.Context(), e.user, r, 6, strings.NewReader("hello!"))
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("other size: %v", err)
	}
	if got, _ := e.read(t, r); got != "hello" {
		t.Fatalf("read %q", got)
	}
	if o, _ := e.v.Stat(t.Context(), r); !o.Arrived.Equal(e.clock.Now()) || o.Size != 5 {
		t.Fatalf("record %+v", o)
	}
}

func TestQuotaAndShortBodies(t *testing.T) {
	e := newEnv(t)
	e.put(t, e.ref("packs", "a1"), strings.Repeat("x", 900))
	_, err := e.v.Put(t.Context(), e.user, e.ref("packs", "a2"), 101, strings.NewReader(strings.Repeat("x", 101)))
	if !errors.Is(err, ErrQuota) {
		t.Fatalf("over quota: %v", err)
	}
	_, err = e.v.Put(t.Context(), e.user, e.ref("packs", "a3"), 50, strings.NewReader("short"))
	if !errors.Is(err, blobs.ErrSize) {
		t.Fatalf("short body: %v", err)
	}
	if _, err := e.v.Stat(t.Context(), e.ref("packs", "a3")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("half upload visible: %v", err)
	}
	e.put(t, e.ref("packs", "a4"), strings.Repeat("x", 100)) // exactly at quota
	if rep := e.check(t, CheckOptions{}); len(rep.Problems) != 0 || rep.Records != 2 || rep.Files != 2 {
		t.Fatalf("check: %+v", rep)
	}
}

func TestDeleteRestorePurge(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	r := e.ref("versions", "seg1")
	e.put(t, r, "old")
	if err := e.v.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := e.v.Delete(ctx, r); err != nil {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := e.read(t, r); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted object readable: %v", err)
	}
	if e.usage(t) != 3 {
		t.Fatalf("usage without trash: %d", e.usage(t))
	}
	rep, err := e.v.RestoreTrash(ctx, records.ObjectQuery{Device: e.dev})
	if err != nil || rep.Restored != 1 || rep.Bytes != 3 {
		t.Fatalf("%+v %v", rep, err)
	}
	if got, _ := e.read(t, r); got != "old" {
		t.Fatalf("restored %q", got)
	}
	// Deleted twice, a new generation in between: the last deleted comes back.
	e.v.Delete(ctx, r)
	e.clock.Advance(time.Hour)
	e.put(t, r, "newer")
	e.v.Delete(ctx, r)
	e.put(t, r, "live!!")
	rep, _ = e.v.RestoreTrash(ctx, records.ObjectQuery{Device: e.dev})
	if rep.Restored != 0 || len(rep.Skipped) != 1 || rep.Skipped[0].Size != 5 {
		t.Fatalf("restore over a live copy: %+v", rep)
	}
	e.clock.Advance(time.Hour)
	e.v.Delete(ctx, r)
	rep, _ = e.v.RestoreTrash(ctx, records.ObjectQuery{Device: e.dev, DeletedSince: e.clock.Now().Add(-time.Minute)})
	if rep.Restored != 1 {
		t.Fatalf("restore since: %+v", rep)
	}
	if got, _ := e.read(t, r); got != "live!!" {
		t.Fatalf("got %q", got)
	}
	if e.usage(t) != 3+5+6 {
		t.Fatalf("usage %d", e.usage(t))
	}
	// Nothing is purged before the grace window ends.
	grace := 30 * 24 * time.Hour
	if n, _, _ := e.v.PurgeExpired(ctx, e.clock.Now().Add(-grace)); n != 0 {
		t.Fatalf("purged %d early", n)
	}
	e.clock.Advance(grace + time.Minute)
	n, bytes, err := e.v.PurgeExpired(ctx, e.clock.Now().Add(-grace))
	if err != nil || n != 2 || bytes != 8 {
		t.Fatalf("purged %d, %d bytes: %v", n, bytes, err)
	}
	if e.usage(t) != 6 {
		t.Fatalf("usage after purge %d", e.usage(t))
	}
	if rep := e.check(t, CheckOptions{}); len(rep.Problems) != 0 || rep.Files != 1 {
		t.Fatalf("check: %+v", rep)
	}
}

// A crash after the file was named but before it was recorded: the client
// retries, and the retry is stored; the stray waits in the trash.
func TestStrayFromACrashIsTrashedOnRetry(t *testing.T) {
	e := newEnv(t)
	r := e.ref("packs", "cc33")
	if err := blobs.Put(t.Context(), e.disk, r, 4, strings.NewReader("half")); err != nil {
		t.Fatal(err)
	}
	if !e.put(t, r, "whole") {
		t.Fatal("retry not created")
	}
	if got, _ := e.read(t, r); got != "whole" {
		t.Fatalf("got %q", got)
	}
	trash, _ := e.rec.Objects(t.Context(), records.ObjectQuery{State: records.Trashed})
	if len(trash) != 1 || trash[0].Size != 4 {
		t.Fatalf("trash %+v", trash)
	}
	if rep := e.check(t, CheckOptions{}); len(rep.Problems) != 0 {
		t.Fatalf("check: %+v", rep)
	}
}

func TestCheckRepairsInterruptedSteps(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	stray := e.ref("packs", "aa01")
	blobs.Put(ctx, e.disk, stray, 2, strings.NewReader("st"))

	halfDeleted := e.ref("packs", "aa02")
	e.put(t, halfDeleted, "hd")
	o, _ := e.v.Stat(ctx, halfDeleted)
	e.rec.TrashObject(ctx, o.ID, e.clock.Now()) // the record went; the file did not

	halfRestored := e.ref("keys", "k1")
	e.put(t, halfRestored, "key")
	e.v.Delete(ctx, halfRestored)
	o2, _ := e.rec.Objects(ctx, records.ObjectQuery{State: records.Trashed, Name: "k1"})
	e.disk.Restore(ctx, halfRestored, o2[0].ID) // the file came back; the record did not

	halfPurged := e.ref("locks", "l1")
	e.put(t, halfPurged, "lock")
	e.v.Delete(ctx, halfPurged)
	o3, _ := e.rec.Objects(ctx, records.ObjectQuery{State: records.Trashed, Name: "l1"})
	e.disk.Purge(ctx, halfPurged, o3[0].ID) // the file went; the record did not

	lost := e.ref("config", "config")
	e.put(t, lost, "cfg")
	e.disk.Trash(ctx, lost, 999) // a live record whose file is gone

	rep := e.check(t, CheckOptions{})
	if len(rep.Problems) != 6 || rep.Unfixed() != 6 {
		t.Fatalf("report-only check: %+v", rep)
	}
	rep = e.check(t, CheckOptions{Fix: true})
	if len(rep.Problems) != 6 || rep.Unfixed() != 2 { // the lost one, and the unrecorded trash file 999
		for _, p := range rep.Problems {
			t.Logf("%s -> %s", p.What, p.Fixed)
		}
		t.Fatalf("fix: %d problems, %d unfixed", len(rep.Problems), rep.Unfixed())
	}
	rep = e.check(t, CheckOptions{Fix: true, ForgetMissing: true})
	if rep.Unfixed() != 1 || !strings.Contains(rep.Problems[len(rep.Problems)-1].What, "999") {
		t.Fatalf("forget missing: %+v", rep)
	}
	if _, err := e.v.Stat(ctx, lost); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lost object still listed: %v", err)
	}
	// What the interrupted steps left is in the trash, and consistent.
	trash, _ := e.rec.Objects(ctx, records.ObjectQuery{State: records.Trashed})
	var names []string
	for _, o := range trash {
		names = append(names, o.Name)
	}
	if fmt.Sprint(names) != "[aa02 k1 aa01]" {
		t.Fatalf("trash %v", names)
	}
	if u := e.usage(t); u != 2+2+3 {
		t.Fatalf("usage %d", u)
	}
}

func TestConcurrentPutsOfOneName(t *testing.T) {
	e := newEnv(t)
	// A second vault on the same folder stands for another process.
	v2, err := New(e.rec, e.disk, Options{LockFile: filepath.Join(filepath.Dir(e.disk.Root()), filepath.Base(e.disk.Root()), "commit.lock"), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	var created atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		v := []*Vault{e.v, v2}[i%2]
		wg.Go(func() {
			c, err := v.Put(context.Background(), e.user, e.ref("packs", "dd44"), 4, strings.NewReader("same"))
			if err != nil {
				t.Error(err)
			}
			if c {
				created.Add(1)
			}
		})
	}
	wg.Wait()
	if created.Load() != 1 {
		t.Fatalf("created %d times", created.Load())
	}
	if rep := e.check(t, CheckOptions{}); len(rep.Problems) != 0 {
		t.Fatalf("check: %+v", rep)
	}
}
