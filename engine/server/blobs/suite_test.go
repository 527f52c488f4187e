package blobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var ctx = context.Background()

const dev = "0123456789abcdef0123456789abcdef"

// storeUnderTest is a new, empty store and what the suite needs to look
// beneath the Store interface.
type storeUnderTest struct {
	Store
	// writeRaw puts bytes at a path of the layout (objects/…, trash/…), as
	// something other than the store would.
	writeRaw func(t *testing.T, rel string, data []byte)
	// exists reports whether the layout path rel holds an object.
	exists func(t *testing.T, rel string) bool
	// staged counts the staged uploads left in tmp/.
	staged func(t *testing.T) int
	// partSize is the size above which an upload is sent in parts (0: no
	// such thing).
	partSize int64
	// racy: two commits of one name at the same moment may both succeed.
	racy bool
}

// testStore runs the behaviour every Store shares; open makes a new, empty
// store.
func testStore(t *testing.T, open func(t *testing.T) storeUnderTest) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, storeUnderTest)
	}{
		{"PutOpenNeverReplaces", suitePutOpenNeverReplaces},
		{"StageChecksSize", suiteStageChecksSize},
		{"StageStopsWhenCancelled", suiteStageStopsWhenCancelled},
		{"BadRefsRefused", suiteBadRefsRefused},
		{"TrashRestorePurge", suiteTrashRestorePurge},
		{"Walk", suiteWalk},
		{"CleanTemp", suiteCleanTemp},
		{"LargeObjectInParts", suiteLargeObjectInParts},
		{"ConcurrentCommitsOneWins", suiteConcurrentCommitsOneWins},
		{"DiscardAndCommitOnce", suiteDiscardAndCommitOnce},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func read(t *testing.T, s Store, ref Ref) string {
	t.Helper()
	o, err := s.Open(ctx, ref)
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

func put(t *testing.T, s Store, ref Ref, data string) {
	t.Helper()
	if err := Put(ctx, s, ref, int64(len(data)), strings.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

func assertTempEmpty(t *testing.T, s storeUnderTest) {
	t.Helper()
	if n := s.staged(t); n != 0 {
		t.Fatalf("tmp/ holds %d staged uploads", n)
	}
}

func suitePutOpenNeverReplaces(t *testing.T, s storeUnderTest) {
	pack := Ref{dev, "packs", "ab12cd"}
	put(t, s, pack, "hello")
	if !s.exists(t, "objects/"+dev+"/packs/ab/ab12cd") {
		t.Fatal("pack not sharded")
	}
	if err := Put(ctx, s, pack, 5, strings.NewReader("HELLO")); !errors.Is(err, ErrExists) {
		t.Fatalf("second put: %v", err)
	}
	if got := read(t, s, pack); got != "hello" {
		t.Fatalf("replaced: %q", got)
	}
	put(t, s, Ref{dev, "keys", "k1"}, "")
	if got := read(t, s, Ref{dev, "keys", "k1"}); got != "" {
		t.Fatalf("empty object reads %q", got)
	}
	if _, err := s.Open(ctx, Ref{dev, "keys", "k2"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open missing: %v", err)
	}
	if _, err := s.Stat(ctx, Ref{dev, "keys", "k2"}, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stat missing: %v", err)
	}
	// Objects read at any offset, as the web archive reads packs.
	o, err := s.Open(ctx, pack)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	b := make([]byte, 3)
	if n, err := o.ReadAt(b, 2); n != 3 || string(b) != "llo" {
		t.Fatalf("ReadAt: %q %v", b[:n], err)
	}
	if _, err := o.Seek(1, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(o); string(rest) != "ello" {
		t.Fatalf("after Seek: %q", rest)
	}
	assertTempEmpty(t, s)
}

func suiteStageChecksSize(t *testing.T, s storeUnderTest) {
	for _, tc := range []struct {
		size int64
		body string
	}{{5, "hell"}, {5, "hello!"}, {0, "x"}} {
		if _, err := s.Stage(ctx, tc.size, strings.NewReader(tc.body)); !errors.Is(err, ErrSize) {
			t.Errorf("stage %d bytes as %d: %v", len(tc.body), tc.size, err)
		}
	}
	if s.partSize > 0 { // cut short after the first part
		body := io.LimitReader(zeros{}, s.partSize+1)
		if _, err := s.Stage(ctx, 2*s.partSize, body); !errors.Is(err, ErrSize) {
			t.Errorf("stage a multipart upload cut short: %v", err)
		}
	}
	assertTempEmpty(t, s)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func suiteStageStopsWhenCancelled(t *testing.T, s storeUnderTest) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Stage(c, 3, strings.NewReader("abc")); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	// Cancelled in the middle of the body.
	c, cancel = context.WithCancel(ctx)
	r := &cancelAfter{r: io.LimitReader(zeros{}, 1<<20), n: 64 << 10, cancel: cancel}
	if _, err := s.Stage(c, 1<<20, r); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled midway: %v", err)
	}
	assertTempEmpty(t, s)
}

// cancelAfter calls cancel once n bytes have been read.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	m, err := c.r.Read(p)
	if c.n -= m; c.n <= 0 {
		c.cancel()
	}
	return m, err
}

func suiteBadRefsRefused(t *testing.T, s storeUnderTest) {
	for _, ref := range []Ref{{"..", "packs", "x"}, {dev, "../..", "x"}, {dev, "packs", "../../etc"}, {dev, "packs", ""}, {"", "packs", "x"}} {
		if err := Put(ctx, s, ref, 1, strings.NewReader("x")); err == nil {
			t.Errorf("put %q accepted", ref)
		}
	}
	assertTempEmpty(t, s)
}

func suiteTrashRestorePurge(t *testing.T, s storeUnderTest) {
	ref := Ref{dev, "versions", "seg1"}
	put(t, s, ref, "old")
	if err := s.Trash(ctx, ref, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("trashed object still readable: %v", err)
	}
	if err := s.Trash(ctx, ref, 8); !errors.Is(err, ErrNotFound) {
		t.Fatalf("trash missing: %v", err)
	}
	// A new generation arrives; restoring the old one must not replace it.
	put(t, s, ref, "new")
	if err := s.Restore(ctx, ref, 7); !errors.Is(err, ErrExists) {
		t.Fatalf("restore over a live name: %v", err)
	}
	if got := read(t, s, ref); got != "new" {
		t.Fatalf("got %q", got)
	}
	if err := s.Trash(ctx, ref, 9); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(ctx, ref, 7); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, ref); got != "old" {
		t.Fatalf("restored %q", got)
	}
	if err := s.Restore(ctx, ref, 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restore twice: %v", err)
	}
	if info, err := s.Stat(ctx, ref, 9); err != nil || info.Size != 3 {
		t.Fatalf("stat trash: %+v %v", info, err)
	}
	if err := s.Purge(ctx, ref, 9); err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(ctx, ref, 9); err != nil {
		t.Fatalf("purge twice: %v", err)
	}
	if _, err := s.Stat(ctx, ref, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purged: %v", err)
	}
	for _, id := range []int64{0, -1} {
		if s.Trash(ctx, ref, id) == nil || s.Restore(ctx, ref, id) == nil || s.Purge(ctx, ref, id) == nil {
			t.Fatalf("trash id %d accepted", id)
		}
	}
}

func suiteWalk(t *testing.T, s storeUnderTest) {
	put(t, s, Ref{dev, "packs", "ab12"}, "a")
	put(t, s, Ref{dev, "packs", "x"}, "b")
	put(t, s, Ref{dev, "config", "config"}, "cc")
	put(t, s, Ref{dev, "keys", "k"}, "k")
	if err := s.Trash(ctx, Ref{dev, "keys", "k"}, 42); err != nil {
		t.Fatal(err)
	}
	// Things the store never writes are skipped.
	s.writeRaw(t, "objects/"+dev+"/stray", []byte("?"))
	s.writeRaw(t, "objects/"+dev+"/packs/zzz", []byte("?"))
	s.writeRaw(t, "trash/"+dev+"/keys/nokey", []byte("?"))
	var got []string
	err := s.Walk(ctx, func(e Entry) error {
		got = append(got, fmt.Sprintf("%s@%d:%d", e.Ref, e.TrashID, e.Size))
		if e.ModTime.IsZero() {
			t.Errorf("%s has no time", e.Ref)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{dev + "/config/config@0:2", dev + "/keys/k@42:1", dev + "/packs/ab12@0:1", dev + "/packs/x@0:1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("walk:\n got %v\nwant %v", got, want)
	}
	stop := errors.New("enough")
	n := 0
	if err := s.Walk(ctx, func(Entry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("a walk that fn stops: %v after %d", err, n)
	}
}

func suiteCleanTemp(t *testing.T, s storeUnderTest) {
	st, err := s.Stage(ctx, 1, bytes.NewReader([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.CleanTemp(ctx, time.Now().Add(-time.Hour)); n != 0 || err != nil {
		t.Fatalf("removed %d fresh uploads: %v", n, err)
	}
	if n, err := s.CleanTemp(ctx, time.Now().Add(time.Minute)); n != 1 || err != nil {
		t.Fatalf("removed %d leftovers: %v", n, err)
	}
	if err := st.Commit(Ref{dev, "keys", "k"}); err == nil {
		t.Fatal("committed a removed upload")
	}
	assertTempEmpty(t, s)
}

func suiteLargeObjectInParts(t *testing.T, s storeUnderTest) {
	size := 2*max(s.partSize, 1<<20) + 12345
	data := bytes.Repeat([]byte("0123456789abcdef"), int(size/16)+1)[:size]
	ref := Ref{dev, "packs", "cafe01"}
	if err := Put(ctx, s, ref, size, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, ref); got != string(data) {
		t.Fatal("the object reads back different")
	}
	if err := s.Trash(ctx, ref, 1); err != nil { // a copy in the store
		t.Fatal(err)
	}
	if err := s.Restore(ctx, ref, 1); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, ref); got != string(data) {
		t.Fatal("the object reads back different after trash and restore")
	}
	assertTempEmpty(t, s)
}

// Several servers sharing a store commit one name at once: one wins, the
// others are told the name exists, and nothing is replaced.
func suiteConcurrentCommitsOneWins(t *testing.T, s storeUnderTest) {
	if s.racy {
		t.Skip("the store checks, then writes")
	}
	ref := Ref{dev, "versions", "race"}
	const n = 6
	staged := make([]Staged, n)
	for i := range staged {
		st, err := s.Stage(ctx, 2, strings.NewReader(fmt.Sprintf("%02d", i)))
		if err != nil {
			t.Fatal(err)
		}
		staged[i] = st
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, st := range staged {
		wg.Go(func() { errs[i] = st.Commit(ref) })
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("uploads %d and %d both committed", winner, i)
		case err == nil:
			winner = i
		case errors.Is(err, ErrExists):
			staged[i].Discard()
		default:
			t.Fatalf("commit %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no commit won")
	}
	if got := read(t, s, ref); got != fmt.Sprintf("%02d", winner) {
		t.Fatalf("the name holds %q, upload %d won", got, winner)
	}
	assertTempEmpty(t, s)
}

func suiteDiscardAndCommitOnce(t *testing.T, s storeUnderTest) {
	st, err := s.Stage(ctx, 1, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Discard(); err != nil {
		t.Fatal(err)
	}
	assertTempEmpty(t, s)
	if err := st.Commit(Ref{dev, "keys", "gone"}); err == nil {
		t.Fatal("committed a discarded upload")
	}
	st, err = s.Stage(ctx, 1, strings.NewReader("y"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(Ref{dev, "keys", "once"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(Ref{dev, "keys", "twice"}); err == nil {
		t.Fatal("committed twice")
	}
	if err := st.Discard(); err != nil {
		t.Fatalf("discard after commit: %v", err)
	}
	if got := read(t, s, Ref{dev, "keys", "once"}); got != "y" {
		t.Fatalf("got %q", got)
	}
}
