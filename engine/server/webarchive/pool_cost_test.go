package webarchive

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
)

// TestPoolCost measures what 8 sessions of one person unlocking the same
// archive of 20,000 files keep: each its own archive (as before the Pool),
// and one shared through a Pool. And what one unlock of a key file asking
// for 1 GiB (1 pass, to keep it short) takes from the system without the
// cap, and with it. Only with CAIRN_WEBARCHIVE_COST=1:
//
//	CAIRN_WEBARCHIVE_COST=1 go test -run PoolCost -v ./engine/server/webarchive
func TestPoolCost(t *testing.T) {
	if os.Getenv("CAIRN_WEBARCHIVE_COST") == "" {
		t.Skip("set CAIRN_WEBARCHIVE_COST=1 to measure")
	}
	w := smallWorld(t, 20_000)
	w.d.Close()
	base := heapAlloc()
	var own []*Archive
	for range 8 {
		own = append(own, w.open())
	}
	separate := heapAlloc() - base
	for _, a := range own {
		a.Close()
	}
	base = heapAlloc()
	p := NewPool(PoolOptions{})
	var shared []*Shared
	for range 8 {
		s, err := p.Open(ctx, "ana", w.devID, w.source(), []byte(archivePassword))
		if err != nil {
			t.Fatal(err)
		}
		shared = append(shared, s)
	}
	pooled := heapAlloc() - base
	n, mem := p.Stats()
	t.Logf("8 sessions, 20,000 files: each its own archive %.1f MiB of heap; shared %.1f MiB (%d archive, index %.1f MiB): %.1fx less",
		mib(separate), mib(pooled), n, mib(mem), float64(separate)/float64(max(pooled, 1)))
	for _, s := range shared {
		s.Close()
	}

	dev := w.asDevice()
	costly := crypt.WrappedKey{Version: 1, KDF: "argon2id", Params: crypt.KDFParams{Time: 1, Memory: 1 << 20, Threads: 4},
		Salt: make([]byte, 16), Sealed: make([]byte, crypt.NonceSize+crypt.KeySize+crypt.TagSize)}
	data, _ := costly.Marshal()
	if err := store.Save(ctx, dev, store.KindKey, "0000000000000000", data); err != nil {
		t.Fatal(err)
	}
	if err := dev.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		lim  repo.KeyLimits
	}{{"with the cap", DefaultKeyLimits}, {"without a cap (as before)", repo.KeyLimits{}}} {
		runtime.GC()
		sys, start := heapSys(), time.Now()
		_, err := repo.UnlockWithin(ctx, w.source(), []byte("a wrong password"), c.lim)
		t.Logf("a wrong password beside a 1 GiB key file, %s: %v, heap from the system +%.0f MiB (%v)",
			c.name, time.Since(start).Round(time.Millisecond), mib(heapSys()-sys), fmt.Sprint(err)[:40])
	}
}
