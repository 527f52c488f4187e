package kek_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/kek"
)

func TestWrapRotateUnwrap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	if err := kek.Generate(path); err == nil {
		t.Error("Generate overwrote a kek file")
	}
	r, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := bytes.Repeat([]byte{7}, 32)
	w := r.Wrap(secret, "user 1")
	if bytes.Contains(w, secret) {
		t.Fatal("the wrapped key holds the key")
	}
	if _, err := r.Unwrap(w, "user 2"); !errors.Is(err, kek.ErrTampered) {
		t.Errorf("another owner's key opened: %v", err)
	}
	bad := bytes.Clone(w)
	bad[len(bad)-1] ^= 1
	if _, err := r.Unwrap(bad, "user 1"); !errors.Is(err, kek.ErrTampered) {
		t.Errorf("a changed key opened: %v", err)
	}
	newID, err := kek.Rotate(path)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Current() != newID || newID == r.Current() {
		t.Errorf("current %s after rotating to %s (was %s)", r2.Current(), newID, r.Current())
	}
	got, err := r2.Unwrap(w, "user 1")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("the old wrap after rotation: %v", err)
	}
	if by, _ := kek.WrappedBy(w); by != r.Current() {
		t.Errorf("WrappedBy = %s", by)
	}
	if by, _ := kek.WrappedBy(r2.Wrap(secret, "user 1")); by != newID {
		t.Errorf("a new wrap is by %s, not the new key", by)
	}
	// A file that lost the old key cannot open what it wrapped.
	os.WriteFile(path, []byte(""), 0o600)
	if err := kek.Generate(filepath.Join(t.TempDir(), "other")); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRefusesLooseFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if _, err := kek.Load(path); err == nil {
		t.Error("a world-readable kek file was accepted")
	}
	for name, text := range map[string]string{
		"empty":     "",
		"short key": "a AAAA\n",
		"bad id":    "a/b " + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"twice":     "a AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\na AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o600)
		if _, err := kek.Load(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A running server's ring opens what a rotation (by 'keys rotate', another
// process) re-wrapped, and wraps with the new key from then on.
func TestRingReadsARotatedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	running, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kek.Rotate(path); err != nil {
		t.Fatal(err)
	}
	rotated, _ := kek.Load(path)
	w := rotated.Wrap([]byte("secret"), "user 1")
	got, err := running.Unwrap(w, "user 1")
	if err != nil || string(got) != "secret" {
		t.Fatalf("%q %v", got, err)
	}
	if running.Current() != rotated.Current() {
		t.Errorf("still wraps with %s, not %s", running.Current(), rotated.Current())
	}
	other, _ := kek.Load(path)
	os.WriteFile(path, []byte(""), 0o600)
	if _, err := other.Unwrap(append([]byte{1, 3}, "xyz0123456789abcdef0123456789"...), "user 1"); !errors.Is(err, kek.ErrUnknownKey) {
		t.Errorf("an unknown key: %v", err)
	}
}
