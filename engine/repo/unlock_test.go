package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/folder"
)

var serverLimits = KeyLimits{KDF: crypt.KDFParams{Time: 10, Memory: 256 << 10, Threads: 4}, Files: 3, FileSize: 4 << 10}

// hostileKey writes a key file that asks Argon2id for p, as a user could
// by hand: it is never run here.
func hostileKey(t *testing.T, b store.Backend, name string, p crypt.KDFParams) {
	t.Helper()
	w := crypt.WrappedKey{Version: 1, KDF: "argon2id", Params: p, Salt: make([]byte, 16), Sealed: make([]byte, crypt.NonceSize+crypt.KeySize+crypt.TagSize)}
	data, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(context.Background(), b, store.KindKey, name, data); err != nil {
		t.Fatal(err)
	}
}

func newArchive(t *testing.T) (store.Backend, crypt.MasterKey) {
	t.Helper()
	b, err := folder.Create(filepath.Join(t.TempDir(), "archive"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Init(context.Background(), b, []byte("test password"), InitOptions{KDF: crypt.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	return b, m
}

func TestUnlockWithinRefusesCostlyKeyFiles(t *testing.T) {
	ctx := context.Background()
	b, _ := newArchive(t)
	// Names sort before the real key's (a random hex name) so they are met first.
	hostileKey(t, b, "0000000000000000", crypt.KDFParams{Time: 100, Memory: 1 << 20, Threads: 4})
	m, err := UnlockWithin(ctx, b, []byte("test password"), serverLimits)
	if err != nil {
		t.Fatalf("the archive's own key file was not tried past the costly one: %v", err)
	}
	if m == (crypt.MasterKey{}) {
		t.Fatal("no master key")
	}
	_, err = UnlockWithin(ctx, b, []byte("wrong"), serverLimits)
	if !errors.Is(err, engine.ErrWrongPassword) || !errors.Is(err, crypt.ErrKDFTooCostly) {
		t.Fatalf("wrong password with a costly key file beside: %v", err)
	}

	only, _ := newArchive(t)
	only.Remove(ctx, store.KindKey, realKey(t, only))
	hostileKey(t, only, "00000000000000aa", crypt.KDFParams{Time: 3, Memory: 1 << 20, Threads: 4})
	_, err = UnlockWithin(ctx, only, []byte("test password"), serverLimits)
	if errors.Is(err, engine.ErrWrongPassword) || !errors.Is(err, crypt.ErrKDFTooCostly) {
		t.Fatalf("only a costly key file: %v", err)
	}
}

func TestUnlockWithinTriesFewKeyFiles(t *testing.T) {
	ctx := context.Background()
	b, _ := newArchive(t)
	for i := range 5 {
		hostileKey(t, b, fmt.Sprintf("%016x", i), crypt.TestKDF) // wrong ones, met first
	}
	if _, err := UnlockWithin(ctx, b, []byte("test password"), serverLimits); !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatalf("more than %d key files tried: %v", serverLimits.Files, err)
	}
	if _, err := Unlock(ctx, b, []byte("test password")); err != nil {
		t.Fatalf("without limits: %v", err)
	}
	// A large file is skipped unread and does not count.
	c, _ := newArchive(t)
	if err := store.Save(ctx, c, store.KindKey, "0000000000000000", bytes.Repeat([]byte(" "), 5<<10)); err != nil {
		t.Fatal(err)
	}
	if _, err := UnlockWithin(ctx, c, []byte("test password"), KeyLimits{Files: 1, FileSize: 4 << 10}); err != nil {
		t.Fatalf("a large key file counted: %v", err)
	}
}

// realKey is the name of the archive's one key file.
func realKey(t *testing.T, b store.Backend) string {
	t.Helper()
	var name string
	b.List(context.Background(), store.KindKey, func(n string, _ int64) error { name = n; return nil })
	return name
}
