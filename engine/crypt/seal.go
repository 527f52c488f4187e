package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash"
)

// NonceSize and Overhead describe a sealed object: nonce || ciphertext || tag.
const (
	NonceSize = 12
	TagSize   = 16
	Overhead  = NonceSize + TagSize
)

// Sealer seals and opens objects under per-object keys derived from one root key.
// A Sealer is NOT safe for concurrent use (it reuses a hash); give each goroutine its own.
type Sealer struct {
	mac hash.Hash
	buf [sha256.Size]byte
}

// NewSealer returns a Sealer whose object keys derive from root.
func NewSealer(root [KeySize]byte) *Sealer {
	return &Sealer{mac: hmac.New(sha256.New, root[:])}
}

func (s *Sealer) aead(context []byte) (cipher.AEAD, error) {
	s.mac.Reset()
	s.mac.Write(context)
	key := s.mac.Sum(s.buf[:0])
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("object key: %w", err)
	}
	return cipher.NewGCM(block)
}

// Seal appends nonce || AES-256-GCM(plaintext, ad) to dst under the key for
// context, and returns the extended slice.
func (s *Sealer) Seal(dst, context, plaintext, ad []byte) ([]byte, error) {
	g, err := s.aead(context)
	if err != nil {
		return nil, err
	}
	n := len(dst)
	var zero [NonceSize]byte
	dst = append(dst, zero[:]...)
	if _, err := rand.Read(dst[n:]); err != nil {
		return nil, fmt.Errorf("read nonce: %w", err)
	}
	return g.Seal(dst, dst[n:n+NonceSize], plaintext, ad), nil
}

// Open authenticates and decrypts sealed (as made by Seal with the same context
// and ad), appending the plaintext to dst. It returns ErrAuth on any mismatch.
func (s *Sealer) Open(dst, context, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("sealed object of %d bytes is too short: %w", len(sealed), ErrAuth)
	}
	g, err := s.aead(context)
	if err != nil {
		return nil, err
	}
	out, err := g.Open(dst, sealed[:NonceSize], sealed[NonceSize:], ad)
	if err != nil {
		return nil, ErrAuth
	}
	return out, nil
}

// IDHasher computes chunk IDs: HMAC-SHA-256 under the ID key.
// It is NOT safe for concurrent use; give each goroutine its own.
type IDHasher struct{ mac hash.Hash }

// NewIDHasher returns a hasher keyed with key.
func NewIDHasher(key [KeySize]byte) *IDHasher {
	return &IDHasher{mac: hmac.New(sha256.New, key[:])}
}

// Sum returns the ID of data.
func (h *IDHasher) Sum(data []byte) (id [32]byte) {
	h.mac.Reset()
	h.mac.Write(data)
	h.mac.Sum(id[:0])
	return id
}
