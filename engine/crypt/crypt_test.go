package crypt

import (
	"bytes"
	"errors"
	"testing"
)

func testMaster(t testing.TB) MasterKey {
	t.Helper()
	m, err := NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDeriveIsDeterministicAndSeparatesPurposes(t *testing.T) {
	m := testMaster(t)
	a, err := m.Derive()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Derive()
	if a != b {
		t.Fatal("Derive is not deterministic")
	}
	keys := [][KeySize]byte{a.ID, a.Data, a.Meta, a.Gear}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[i] == keys[j] {
				t.Fatalf("sub-keys %d and %d are equal", i, j)
			}
		}
	}
	other, _ := testMaster(t).Derive()
	if other.ID == a.ID {
		t.Fatal("two master keys derived the same ID key")
	}
}

func TestSealOpen(t *testing.T) {
	m := testMaster(t)
	k, _ := m.Derive()
	s := NewSealer(k.Data)
	ctx, ad, msg := []byte("chunk-id"), []byte("ad"), []byte("the quick brown fox")
	sealed, err := s.Seal(nil, ctx, msg, ad)
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != len(msg)+Overhead {
		t.Fatalf("sealed %d bytes, want %d", len(sealed), len(msg)+Overhead)
	}
	if bytes.Contains(sealed, msg) {
		t.Fatal("plaintext visible in sealed object")
	}
	again, _ := s.Seal(nil, ctx, msg, ad)
	if bytes.Equal(again, sealed) {
		t.Fatal("two seals of the same message are identical: nonce not random")
	}
	out, err := s.Open(nil, ctx, sealed, ad)
	if err != nil || !bytes.Equal(out, msg) {
		t.Fatalf("open: %q, %v", out, err)
	}

	flip := func(i int) []byte { c := bytes.Clone(sealed); c[i] ^= 1; return c }
	otherKey, _ := testMaster(t).Derive()
	cases := []struct {
		name         string
		s            *Sealer
		ctx, obj, ad []byte
	}{
		{"other context", s, []byte("other"), sealed, ad},
		{"other ad", s, ctx, sealed, []byte("xx")},
		{"flipped nonce", s, ctx, flip(0), ad},
		{"flipped ciphertext", s, ctx, flip(NonceSize + 2), ad},
		{"flipped tag", s, ctx, flip(len(sealed) - 1), ad},
		{"truncated", s, ctx, sealed[:len(sealed)-1], ad},
		{"too short", s, ctx, sealed[:5], ad},
		{"other key", NewSealer(otherKey.Data), ctx, sealed, ad},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.s.Open(nil, c.ctx, c.obj, c.ad); !errors.Is(err, ErrAuth) {
				t.Fatalf("got %v, want ErrAuth", err)
			}
		})
	}
}

func TestIDHasherIsKeyed(t *testing.T) {
	a, _ := testMaster(t).Derive()
	b, _ := testMaster(t).Derive()
	data := []byte("same content")
	ha, hb := NewIDHasher(a.ID), NewIDHasher(b.ID)
	if ha.Sum(data) != ha.Sum(data) {
		t.Fatal("not deterministic")
	}
	if ha.Sum(data) == hb.Sum(data) {
		t.Fatal("two archives give the same ID to the same content")
	}
	if ha.Sum(data) == ha.Sum([]byte("other content")) {
		t.Fatal("different content, same ID")
	}
}

func TestWrapUnwrap(t *testing.T) {
	m := testMaster(t)
	w, err := Wrap(m, []byte("correct horse"), TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := w.Marshal()
	w2, err := ParseWrappedKey(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := w2.Unwrap([]byte("correct horse"))
	if err != nil || got != m {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := w2.Unwrap([]byte("wrong horse")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password gave %v", err)
	}
	w2.Sealed[NonceSize] ^= 1
	if _, err := w2.Unwrap([]byte("correct horse")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("tampered key gave %v", err)
	}
	if _, err := Wrap(m, nil, TestKDF); err == nil {
		t.Fatal("empty password accepted")
	}
	bad := *w
	bad.Params.Memory = 1
	if _, err := bad.Unwrap([]byte("correct horse")); err == nil {
		t.Fatal("absurd KDF parameters accepted")
	}
	if _, err := ParseWrappedKey([]byte("{")); err == nil {
		t.Fatal("broken JSON accepted")
	}
}

func BenchmarkSealChunk(b *testing.B) {
	k, _ := testMaster(b).Derive()
	s := NewSealer(k.Data)
	msg := make([]byte, 1<<20)
	ctx := make([]byte, 32)
	dst := make([]byte, 0, len(msg)+Overhead)
	b.SetBytes(int64(len(msg)))
	for i := 0; i < b.N; i++ {
		dst, _ = s.Seal(dst[:0], ctx, msg, ctx)
	}
}

func BenchmarkSealSmall(b *testing.B) {
	k, _ := testMaster(b).Derive()
	s := NewSealer(k.Data)
	msg := make([]byte, 4096)
	ctx := make([]byte, 32)
	dst := make([]byte, 0, len(msg)+Overhead)
	b.SetBytes(int64(len(msg)))
	for i := 0; i < b.N; i++ {
		dst, _ = s.Seal(dst[:0], ctx, msg, ctx)
	}
}
