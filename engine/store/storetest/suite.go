// Package storetest is the conformance suite every store.Backend passes.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
)

// Options say what a backend does differently.
type Options struct {
	// Immutable backends refuse to store a name twice (a Cairn server);
	// Cairn never reuses a name, so both behaviours are correct.
	Immutable bool
}

// Run runs the suite against a fresh, empty backend made by newBackend.
func Run(t *testing.T, newBackend func(t *testing.T) store.Backend, opts ...Options) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	tests := []struct {
		name string
		fn   func(*testing.T, store.Backend)
	}{
		{"SaveLoad", testSaveLoad},
		{"ReadAtRanges", testReadAt},
		{"ListAndRemove", testListRemove},
		{"NotFound", testNotFound},
		{"AbortLeavesNothing", testAbort},
		{"InvalidNames", testInvalidNames},
		{"Concurrent", testConcurrent},
		{"Replace", testReplace},
		{"Cancelled", testCancelled},
	}
	for _, tc := range tests {
		if tc.name == "Replace" && o.Immutable {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			b := newBackend(t)
			defer b.Close()
			tc.fn(t, b)
		})
	}
}

var ctx = context.Background()

func testSaveLoad(t *testing.T, b store.Backend) {
	for _, k := range store.Kinds {
		data := []byte("object of kind " + string(k))
		if err := store.Save(ctx, b, k, "0123abcd", data); err != nil {
			t.Fatalf("save %s: %v", k, err)
		}
		got, err := store.Load(ctx, b, k, "0123abcd", 1<<20)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("load %s: %q %v", k, got, err)
		}
		if _, err := store.Load(ctx, b, k, "0123abcd", 3); err == nil {
			t.Fatal("Load ignored its size limit")
		}
	}
}

func testReadAt(t *testing.T, b store.Backend) {
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := store.Save(ctx, b, store.KindPack, "ab0001", data); err != nil {
		t.Fatal(err)
	}
	o, err := b.Open(ctx, store.KindPack, "ab0001")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.Size() != int64(len(data)) {
		t.Fatalf("size %d", o.Size())
	}
	for _, r := range [][2]int{{0, 10}, {12345, 1000}, {len(data) - 5, 5}, {100, 200_000}} {
		buf := make([]byte, r[1])
		if _, err := o.ReadAt(buf, int64(r[0])); err != nil {
			t.Fatalf("ReadAt %v: %v", r, err)
		}
		if !bytes.Equal(buf, data[r[0]:r[0]+r[1]]) {
			t.Fatalf("ReadAt %v returned other bytes", r)
		}
	}
	buf := make([]byte, 10)
	if n, err := o.ReadAt(buf, int64(len(data)-5)); err == nil || n != 5 {
		t.Fatalf("ReadAt past the end: n=%d err=%v", n, err)
	}
	if sz, err := b.Stat(ctx, store.KindPack, "ab0001"); err != nil || sz != int64(len(data)) {
		t.Fatalf("Stat: %d %v", sz, err)
	}
}

func list(t *testing.T, b store.Backend, k store.Kind) []string {
	t.Helper()
	var names []string
	if err := b.List(ctx, k, func(n string, size int64) error {
		names = append(names, fmt.Sprintf("%s:%d", n, size))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func testListRemove(t *testing.T, b store.Backend) {
	for _, n := range []string{"aa11", "aa22", "bb33"} {
		if err := store.Save(ctx, b, store.KindPack, n, []byte(n+"!")); err != nil {
			t.Fatal(err)
		}
	}
	store.Save(ctx, b, store.KindSegment, "cc44", []byte("x"))
	if got := fmt.Sprint(list(t, b, store.KindPack)); got != "[aa11:5 aa22:5 bb33:5]" {
		t.Fatalf("list packs: %s", got)
	}
	if got := fmt.Sprint(list(t, b, store.KindSegment)); got != "[cc44:1]" {
		t.Fatalf("list segments: %s", got)
	}
	if err := b.Remove(ctx, store.KindPack, "aa22"); err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(ctx, store.KindPack, "aa22"); err != nil {
		t.Fatalf("removing a missing object: %v", err)
	}
	if got := fmt.Sprint(list(t, b, store.KindPack)); got != "[aa11:5 bb33:5]" {
		t.Fatalf("after remove: %s", got)
	}
	stop := errors.New("stop")
	if err := b.List(ctx, store.KindPack, func(string, int64) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("List did not return the callback's error: %v", err)
	}
}

func testNotFound(t *testing.T, b store.Backend) {
	if _, err := b.Open(ctx, store.KindPack, "ff00"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("Open: %v", err)
	}
	if _, err := b.Stat(ctx, store.KindKey, "ff00"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("Stat: %v", err)
	}
}

func testAbort(t *testing.T, b store.Backend) {
	up, err := b.Create(ctx, store.KindPack)
	if err != nil {
		t.Fatal(err)
	}
	up.Write([]byte("half an object"))
	if err := up.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := list(t, b, store.KindPack); len(got) != 0 {
		t.Fatalf("aborted upload visible: %v", got)
	}
}

func testInvalidNames(t *testing.T, b store.Backend) {
	for _, n := range []string{"", "../x", "a/b", ".hidden", "x\x00", string(make([]byte, 200))} {
		if err := store.Save(ctx, b, store.KindKey, n, []byte("x")); err == nil {
			t.Errorf("saved under invalid name %q", n)
		}
		if _, err := b.Open(ctx, store.KindKey, n); err == nil {
			t.Errorf("opened invalid name %q", n)
		}
	}
}

func testConcurrent(t *testing.T, b store.Backend) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("%02x%04d", i, i)
			data := bytes.Repeat([]byte{byte(i)}, 10_000+i)
			if err := store.Save(ctx, b, store.KindPack, name, data); err != nil {
				errs <- err
				return
			}
			got, err := store.Load(ctx, b, store.KindPack, name, 1<<20)
			if err != nil || !bytes.Equal(got, data) {
				errs <- fmt.Errorf("object %s: %v", name, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(list(t, b, store.KindPack)); n != 16 {
		t.Fatalf("%d objects", n)
	}
}

func testReplace(t *testing.T, b store.Backend) {
	store.Save(ctx, b, store.KindKey, "k1", []byte("old"))
	store.Save(ctx, b, store.KindKey, "k1", []byte("new"))
	got, err := store.Load(ctx, b, store.KindKey, "k1", 100)
	if err != nil || string(got) != "new" {
		t.Fatalf("%q %v", got, err)
	}
}

func testCancelled(t *testing.T, b store.Backend) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Create(c, store.KindPack); err == nil {
		t.Fatal("Create ignored a cancelled context")
	}
	_ = io.EOF
}
