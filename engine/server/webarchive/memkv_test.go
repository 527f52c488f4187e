package webarchive

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cairnbackup/cairn/engine/index"
)

// The in-memory store behaves as an ordered map, loading (skip list) and
// frozen alike: random writes and deletes against a plain map, then every
// prefix and seek compared.
func TestMemKVIsAnOrderedMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kv := newMemKV()
	want := map[string]string{}
	key := func() []byte { return []byte(fmt.Sprintf("%c/%03d", 'a'+rng.IntN(3), rng.IntN(400))) }
	for round := 0; round < 50; round++ {
		b := kv.Batch()
		for i := 0; i < 100; i++ {
			k := key()
			if rng.IntN(4) == 0 {
				b.Delete(k)
				delete(want, string(k))
			} else {
				v := fmt.Sprint(rng.Int())
				b.Set(k, []byte(v))
				want[string(k)] = v
			}
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		b.Set([]byte("zzz"), []byte("never")) // a cancelled batch changes nothing
		b.Cancel()
		b.Flush()
		if round == 25 {
			compareKV(t, kv, want)
		}
	}
	compareKV(t, kv, want)
	kv.freeze()
	compareKV(t, kv, want)
	b := kv.Batch()
	b.Set([]byte("x"), nil)
	if err := b.Flush(); !errors.Is(err, errReadOnly) {
		t.Fatalf("write to a frozen store: %v", err)
	}
	kv.Close()
	if _, err := kv.Get([]byte("a/001")); err == nil {
		t.Fatal("get after close")
	}
	if it := kv.Iterator(nil, false); it.Valid() {
		t.Fatal("iterator after close")
	}
}

func compareKV(t *testing.T, kv index.KV, want map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, err := kv.Get([]byte(k))
		if err != nil || string(v) != want[k] {
			t.Fatalf("get %s: %q %v, want %q", k, v, err, want[k])
		}
	}
	if _, err := kv.Get([]byte("zzz")); !errors.Is(err, index.ErrKeyNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	for _, prefix := range []string{"", "a", "b/", "b/1", "c/399", "d"} {
		var exp []string
		for _, k := range keys {
			if bytes.HasPrefix([]byte(k), []byte(prefix)) {
				exp = append(exp, k+"="+want[k])
			}
		}
		var got []string
		it := kv.Iterator([]byte(prefix), false)
		for ; it.Valid(); it.Next() {
			v, _ := it.Value()
			got = append(got, string(it.Key())+"="+string(v))
		}
		it.Close()
		if !slices.Equal(got, exp) {
			t.Fatalf("prefix %q: %d keys, want %d", prefix, len(got), len(exp))
		}
	}
	it := kv.Iterator([]byte("b"), true)
	defer it.Close()
	it.Seek([]byte("b/200"))
	i, _ := slices.BinarySearch(keys, "b/200")
	if len(keys) > i && keys[i][0] == 'b' && (!it.Valid() || string(it.Key()) != keys[i]) {
		t.Fatalf("seek: at %q, want %q", it.Key(), keys[i])
	}
}

// A skip list stays fast with one key at a time, in order or not: the
// engine flushes a small batch per pack and per segment.
func BenchmarkMemKVLoad(b *testing.B) {
	for b.Loop() {
		kv := newMemKV()
		for i := 0; i < 100_000; i++ {
			bt := kv.Batch()
			bt.Set(fmt.Appendf(nil, "v/home/ana/%08d", (i*7919)%100_000), make([]byte, 60))
			bt.Flush()
		}
		kv.freeze()
	}
}
