package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// KDFParams are Argon2id's cost settings.
type KDFParams struct {
	Time    uint32 `json:"time"`    // passes over memory
	Memory  uint32 `json:"memory"`  // KiB
	Threads uint8  `json:"threads"` // lanes
}

// DefaultKDF follows RFC 9106's second recommended option (64 MiB, 3 passes),
// which costs about 0.1 s on a laptop core: slow for a guesser, unnoticeable to a
// person unlocking an archive once.
var DefaultKDF = KDFParams{Time: 3, Memory: 64 * 1024, Threads: uint8(min(4, max(1, runtime.NumCPU())))}

// TestKDF is cheap, for tests only.
var TestKDF = KDFParams{Time: 1, Memory: 64, Threads: 1}

// WrappedKey is a master key sealed under a password. It is stored at the
// destination as JSON; it reveals nothing without the password.
type WrappedKey struct {
	Version int       `json:"version"`
	KDF     string    `json:"kdf"`
	Params  KDFParams `json:"params"`
	Salt    []byte    `json:"salt"`
	Sealed  []byte    `json:"sealed"` // nonce || AES-256-GCM(master key)
	Created string    `json:"created,omitempty"`
}

var wrapAD = []byte("cairn v1 wrapped master key")

func (p KDFParams) validate() error {
	if p.Time < 1 || p.Time > 100 || p.Memory < 8 || p.Memory > 4<<20 || p.Threads < 1 {
		return fmt.Errorf("key file has unusable Argon2id parameters %+v", p)
	}
	return nil
}

func (p KDFParams) kek(password, salt []byte) (cipher.AEAD, error) {
	kek := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, KeySize)
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Wrap seals master under password.
func Wrap(master MasterKey, password []byte, p KDFParams) (*WrappedKey, error) {
	if len(password) == 0 {
		return nil, errors.New("the password is empty")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	w := &WrappedKey{Version: 1, KDF: "argon2id", Params: p, Salt: make([]byte, 16)}
	nonce := make([]byte, NonceSize)
	if _, err := rand.Read(w.Salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	g, err := p.kek(password, w.Salt)
	if err != nil {
		return nil, err
	}
	w.Sealed = g.Seal(nonce, nonce, master[:], wrapAD)
	return w, nil
}

// Unwrap recovers the master key; ErrWrongPassword when password is not the one
// the key was wrapped with (or the key file was altered).
func (w *WrappedKey) Unwrap(password []byte) (MasterKey, error) {
	var m MasterKey
	if w.Version != 1 || w.KDF != "argon2id" {
		return m, fmt.Errorf("key file format %d/%q is not supported by this version of Cairn", w.Version, w.KDF)
	}
	if err := w.Params.validate(); err != nil {
		return m, err
	}
	if len(w.Sealed) != NonceSize+KeySize+TagSize {
		return m, fmt.Errorf("key file is damaged (sealed key of %d bytes)", len(w.Sealed))
	}
	g, err := w.Params.kek(password, w.Salt)
	if err != nil {
		return m, err
	}
	out, err := g.Open(nil, w.Sealed[:NonceSize], w.Sealed[NonceSize:], wrapAD)
	if err != nil {
		return m, ErrWrongPassword
	}
	copy(m[:], out)
	return m, nil
}

// Marshal encodes the wrapped key as JSON.
func (w *WrappedKey) Marshal() ([]byte, error) { return json.MarshalIndent(w, "", "  ") }

// ParseWrappedKey decodes a key file.
func ParseWrappedKey(b []byte) (*WrappedKey, error) {
	var w WrappedKey
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("key file is not valid: %w", err)
	}
	return &w, nil
}
