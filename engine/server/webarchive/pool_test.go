package webarchive

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/store"
)

// heapAlloc is the live heap after a collection.
func heapAlloc() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// heapSys is the heap the process has taken from the system: it grows to
// the largest heap ever needed (an Argon2id run of 1 GiB leaves it 1 GiB
// larger) and does not shrink.
func heapSys() int64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapSys)
}

// smallWorld is a server with a device that backed up files small files.
func smallWorld(t *testing.T, files int) *world {
	t.Helper()
	w := newWorld(t, t0)
	tree := map[string]string{}
	for i := range files {
		tree[fmt.Sprintf("d%02d/file-%05d.txt", i%20, i)] = fmt.Sprintf("file %d", i)
	}
	w.write(tree, t0)
	w.backup()
	return w
}

func TestDefaultKeyLimitsHoldWhatCairnWrites(t *testing.T) {
	if err := crypt.DefaultKDF.Within(DefaultKeyLimits.KDF); err != nil {
		t.Fatal(err)
	}
}

// TestPoolSharesOneArchiveBetweenSessions: 8 sessions of one person
// unlocking the same archive keep one archive in memory; it is forgotten
// when the last closes it.
func TestPoolSharesOneArchiveBetweenSessions(t *testing.T) {
	files := 2_000
	if testing.Short() {
		files = 200
	}
	w := smallWorld(t, files)
	w.d.Close()
	p := NewPool(PoolOptions{})
	before := heapAlloc()
	var uses []*Shared
	var afterOne int64
	for i := range 8 {
		s, err := p.Open(ctx, "ana", w.devID, w.source(), []byte(archivePassword))
		if err != nil {
			t.Fatal(err)
		}
		uses = append(uses, s)
		if s.Archive != uses[0].Archive {
			t.Fatalf("session %d has an archive of its own", i+1)
		}
		if i == 0 {
			afterOne = heapAlloc()
		}
	}
	afterEight := heapAlloc()
	n, mem := p.Stats()
	if n != 1 || mem != uses[0].Memory() {
		t.Fatalf("8 sessions: %d archives keeping %d bytes, want 1 keeping %d", n, mem, uses[0].Memory())
	}
	t.Logf("%d files: one archive keeps %.1f MiB of index; heap above the start: %.1f MiB with 1 session, %.1f MiB with 8",
		files, mib(uses[0].Memory()), mib(afterOne-before), mib(afterEight-before))
	for _, s := range uses[:7] {
		s.Close()
		s.Close() // twice is once
	}
	if _, err := uses[7].Roots(time.Time{}); err != nil {
		t.Fatalf("closed with a session still using it: %v", err)
	}
	uses[7].Close()
	if _, err := uses[7].Roots(time.Time{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after the last session: %v", err)
	}
	if n, mem := p.Stats(); n != 0 || mem != 0 {
		t.Fatalf("after the last session: %d archives, %d bytes", n, mem)
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// TestPoolCaps: archives per person, memory all together, and an archive
// too large alone; each refused with words that say what to do.
func TestPoolCaps(t *testing.T) {
	a, b := smallWorld(t, 50), smallWorld(t, 50)
	p := NewPool(PoolOptions{PerUser: 1})
	first, err := p.Open(ctx, "ana", a.devID, a.source(), []byte(archivePassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Open(ctx, "ana", b.devID, b.source(), []byte(archivePassword)); !errors.Is(err, ErrTooManyOfYours) ||
		!strings.Contains(err.Error(), "close it first") {
		t.Fatalf("a second archive of one person: %v", err)
	}
	first.Close()
	size := first.Memory()

	p = NewPool(PoolOptions{Memory: size + size/2})
	first, err = p.Open(ctx, "ana", a.devID, a.source(), []byte(archivePassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Open(ctx, "bob", b.devID, b.source(), []byte(archivePassword)); !errors.Is(err, ErrServerFull) ||
		!strings.Contains(err.Error(), "try again in a few minutes") {
		t.Fatalf("beyond the memory cap: %v", err)
	}
	again, err := p.Open(ctx, "ana", a.devID, a.source(), []byte(archivePassword))
	if err != nil {
		t.Fatalf("sharing an open archive costs nothing, even at the cap: %v", err)
	}
	again.Close()
	first.Close()
	second, err := p.Open(ctx, "bob", b.devID, b.source(), []byte(archivePassword))
	if err != nil {
		t.Fatalf("once the first closed: %v", err)
	}
	second.Close()

	p = NewPool(PoolOptions{Memory: size / 2})
	if _, err := p.Open(ctx, "ana", a.devID, a.source(), []byte(archivePassword)); !errors.Is(err, ErrArchiveTooLarge) {
		t.Fatalf("an archive larger than the cap: %v", err)
	}
	if n, mem := p.Stats(); n != 0 || mem != 0 {
		t.Fatalf("refused archives kept: %d, %d bytes", n, mem)
	}
}

// TestPoolReadsAChangedArchiveAnew: a session opening an archive that was
// backed up to since another session opened it sees the new backup.
func TestPoolReadsAChangedArchiveAnew(t *testing.T) {
	w := smallWorld(t, 10)
	p := NewPool(PoolOptions{})
	old, err := p.Open(ctx, "ana", w.devID, w.source(), []byte(archivePassword))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	w.clock.advance(time.Hour)
	w.write(map[string]string{"new.txt": "new"}, t0.Add(time.Hour))
	w.backup()
	fresh, err := p.Open(ctx, "ana", w.devID, w.source(), []byte(archivePassword))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if fresh.Archive == old.Archive {
		t.Fatal("the archive opened before the backup was shared")
	}
	if vs, err := fresh.Versions(w.src + "/new.txt"); err != nil || len(vs) != 1 {
		t.Fatalf("the new file: %v %v", vs, err)
	}
	if _, mem := p.Stats(); mem != old.Memory()+fresh.Memory() {
		t.Fatalf("memory %d, want both archives' %d", mem, old.Memory()+fresh.Memory())
	}
}

// TestCostlyKeyFileIsNotRun: a device uploads, through the server's API,
// a key file asking Argon2id for 1 GiB and 100 passes. Unlocking is refused
// without running it: the heap does not grow (it grew by about 1 GiB, for
// minutes, before the cap).
func TestCostlyKeyFileIsNotRun(t *testing.T) {
	w := smallWorld(t, 10)
	dev := w.asDevice()
	hostile := crypt.WrappedKey{Version: 1, KDF: "argon2id", Params: crypt.KDFParams{Time: 100, Memory: 1 << 20, Threads: 4},
		Salt: make([]byte, 16), Sealed: make([]byte, crypt.NonceSize+crypt.KeySize+crypt.TagSize)}
	data, _ := hostile.Marshal()
	if err := store.Save(ctx, dev, store.KindKey, "0000000000000000", data); err != nil {
		t.Fatal(err)
	}
	if err := dev.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	p := NewPool(PoolOptions{})
	sys := heapSys()
	start := time.Now()
	_, err := p.Open(ctx, "ana", w.devID, w.source(), []byte("a wrong password"))
	if !errors.Is(err, engine.ErrWrongPassword) || !errors.Is(err, crypt.ErrKDFTooCostly) {
		t.Fatalf("wrong password beside the costly key: %v", err)
	}
	// The computer's own key gone, only the costly one is left.
	var own string
	w.source().List(ctx, store.KindKey, func(n string, _ int64) error {
		if n != "0000000000000000" {
			own = n
		}
		return nil
	})
	if err := dev.Remove(ctx, store.KindKey, own); err != nil {
		t.Fatal(err)
	}
	_, err = p.Open(ctx, "ana", w.devID, w.source(), []byte(archivePassword))
	if errors.Is(err, engine.ErrWrongPassword) || !errors.Is(err, crypt.ErrKDFTooCostly) ||
		!strings.Contains(err.Error(), "1024 MiB, 100 passes") {
		t.Fatalf("only the costly key: %v", err)
	}
	took, grew := time.Since(start), heapSys()-sys
	t.Logf("two unlocks refused in %v; the heap taken from the system grew by %.1f MiB", took.Round(time.Millisecond), mib(grew))
	if grew > 128<<20 {
		t.Fatalf("the heap grew by %.0f MiB: the key derivation ran", mib(grew))
	}
}
