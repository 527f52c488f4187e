package blobs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var ctx = context.Background()

func openTest(t *testing.T) *Disk {
	t.Helper()
	d, err := OpenDisk(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const dev = "0123456789abcdef0123456789abcdef"

func read(t *testing.T, d *Disk, ref Ref) string {
	t.Helper()
	o, err := d.Open(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil || int64(len(b)) != o.Size() {
		t.Fatalf("%d bytes of %d: %v", len(b), o.Size(), err)
	}
	return string(b)
}

func TestPutOpenNeverReplaces(t *testing.T) {
	d := openTest(t)
	pack := Ref{dev, "packs", "ab12cd"}
	if err := Put(ctx, d, pack, 5, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.Root(), "objects", dev, "packs", "ab", "ab12cd")); err != nil {
		t.Fatalf("pack not sharded: %v", err)
	}
	if err := Put(ctx, d, pack, 5, strings.NewReader("HELLO")); !errors.Is(err, ErrExists) {
		t.Fatalf("second put: %v", err)
	}
	if got := read(t, d, pack); got != "hello" {
		t.Fatalf("replaced: %q", got)
	}
	key := Ref{dev, "keys", "k1"}
	if err := Put(ctx, d, key, 0, strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, Ref{dev, "keys", "k2"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open missing: %v", err)
	}
	assertTempEmpty(t, d)
}

func TestStageChecksSize(t *testing.T) {
	d := openTest(t)
	for _, tc := range []struct {
		size int64
		body string
	}{{5, "hell"}, {5, "hello!"}} {
		if _, err := d.Stage(ctx, tc.size, strings.NewReader(tc.body)); !errors.Is(err, ErrSize) {
			t.Errorf("stage %d bytes as %d: %v", len(tc.body), tc.size, err)
		}
	}
	assertTempEmpty(t, d)
}

func TestStageStopsWhenCancelled(t *testing.T) {
	d := openTest(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Stage(c, 3, strings.NewReader("abc")); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestBadRefsRefused(t *testing.T) {
	d := openTest(t)
	for _, ref := range []Ref{{"..", "packs", "x"}, {dev, "../..", "x"}, {dev, "packs", "../../etc"}, {dev, "packs", ""}, {"", "packs", "x"}} {
		if err := Put(ctx, d, ref, 1, strings.NewReader("x")); err == nil {
			t.Errorf("put %q accepted", ref)
		}
	}
}

func TestTrashRestorePurge(t *testing.T) {
	d := openTest(t)
	ref := Ref{dev, "versions", "seg1"}
	Put(ctx, d, ref, 3, strings.NewReader("old"))
	if err := d.Trash(ctx, ref, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("trashed object still readable: %v", err)
	}
	if err := d.Trash(ctx, ref, 8); !errors.Is(err, ErrNotFound) {
		t.Fatalf("trash missing: %v", err)
	}
	// A new generation arrives; restoring the old one must not replace it.
	Put(ctx, d, ref, 3, strings.NewReader("new"))
	if err := d.Restore(ctx, ref, 7); !errors.Is(err, ErrExists) {
		t.Fatalf("restore over a live name: %v", err)
	}
	if got := read(t, d, ref); got != "new" {
		t.Fatalf("got %q", got)
	}
	d.Trash(ctx, ref, 9)
	if err := d.Restore(ctx, ref, 7); err != nil {
		t.Fatal(err)
	}
	if got := read(t, d, ref); got != "old" {
		t.Fatalf("restored %q", got)
	}
	if info, err := d.Stat(ctx, ref, 9); err != nil || info.Size != 3 {
		t.Fatalf("stat trash: %+v %v", info, err)
	}
	if err := d.Purge(ctx, ref, 9); err != nil {
		t.Fatal(err)
	}
	if err := d.Purge(ctx, ref, 9); err != nil {
		t.Fatalf("purge twice: %v", err)
	}
	if _, err := d.Stat(ctx, ref, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purged: %v", err)
	}
}

func TestWalk(t *testing.T) {
	d := openTest(t)
	Put(ctx, d, Ref{dev, "packs", "ab12"}, 1, strings.NewReader("a"))
	Put(ctx, d, Ref{dev, "packs", "x"}, 1, strings.NewReader("b"))
	Put(ctx, d, Ref{dev, "config", "config"}, 2, strings.NewReader("cc"))
	Put(ctx, d, Ref{dev, "keys", "k"}, 1, strings.NewReader("k"))
	d.Trash(ctx, Ref{dev, "keys", "k"}, 42)
	// Things the store never writes are skipped.
	os.WriteFile(filepath.Join(d.Root(), "objects", dev, "stray"), []byte("?"), 0o600)
	os.WriteFile(filepath.Join(d.Root(), "objects", dev, "packs", "zzz"), []byte("?"), 0o600)
	os.WriteFile(filepath.Join(d.Root(), "trash", dev, "keys", "nokey"), []byte("?"), 0o600)
	var got []string
	err := d.Walk(ctx, func(e Entry) error {
		got = append(got, e.String()+"@"+string(rune('0'+e.TrashID%10))+":"+string(rune('0'+e.Size)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{dev + "/config/config@0:2", dev + "/keys/k@2:1", dev + "/packs/ab12@0:1", dev + "/packs/x@0:1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("walk:\n got %v\nwant %v", got, want)
	}
}

func TestCleanTemp(t *testing.T) {
	d := openTest(t)
	st, err := d.Stage(ctx, 1, bytes.NewReader([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := d.CleanTemp(ctx, time.Now().Add(-time.Hour)); n != 0 {
		t.Fatalf("removed %d fresh uploads", n)
	}
	if n, _ := d.CleanTemp(ctx, time.Now().Add(time.Second)); n != 1 {
		t.Fatalf("removed %d leftovers", n)
	}
	if err := st.Commit(Ref{dev, "keys", "k"}); err == nil {
		t.Fatal("committed a removed upload")
	}
}

func assertTempEmpty(t *testing.T, d *Disk) {
	t.Helper()
	if es, _ := os.ReadDir(filepath.Join(d.Root(), "tmp")); len(es) != 0 {
		t.Fatalf("tmp/ holds %d files", len(es))
	}
}

func TestDiskFullIsNamed(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer f.Close()
	err = fill(ctx, f, 3, strings.NewReader("abc"))
	if !errors.Is(err, ErrFull) {
		t.Fatalf("got %v", err)
	}
}
