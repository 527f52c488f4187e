package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cairnbackup/cairn/engine/server/kek"
)

// RefreshSealer seals the identity provider's refresh tokens before they
// reach the records, each bound to its account (owner), so that a copy of
// the database alone gives no one a way to sign in as anybody at the
// provider. Safe for concurrent use.
type RefreshSealer interface {
	Seal(plain []byte, owner string) ([]byte, error)
	Open(sealed []byte, owner string) ([]byte, error)
}

// KEKSealer seals under the key-encryption keys of [keys] (AES-256-GCM,
// package kek): a rotation's new key seals, the old ones still open.
func KEKSealer(r *kek.Ring) RefreshSealer { return kekSealer{r} }

type kekSealer struct{ r *kek.Ring }

func (k kekSealer) Seal(plain []byte, owner string) ([]byte, error) {
	return k.r.Wrap(plain, refreshOwner(owner)), nil
}

func (k kekSealer) Open(sealed []byte, owner string) ([]byte, error) {
	return k.r.Unwrap(sealed, refreshOwner(owner))
}

func refreshOwner(owner string) string { return "oidc refresh " + owner }

// sealVersion is the first byte of what keySealer seals: AES-256-GCM, a
// 12-byte random nonce, the account as additional data.
const sealVersion = 1

// keySealer seals with AES-256-GCM under a key derived (HKDF-SHA256) from
// a key file's random bytes.
type keySealer struct{ aead cipher.AEAD }

// LoadRefreshKey reads the key file of [oidc] refresh_key_file, making it
// (32 random bytes, base64, mode 0600) when it does not exist yet. It must
// be kept with the server and out of the database's backups.
func LoadRefreshKey(path string) (RefreshSealer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		var key [32]byte
		if _, err := rand.Read(key[:]); err != nil {
			return nil, err
		}
		if err := writeNewKey(path, key[:]); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("make the refresh token key %s: %w", path, err)
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read the refresh token key: %w", err)
	}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(secret) < 32 {
		return nil, fmt.Errorf("the refresh token key %s is not 32 bytes in base64", path)
	}
	return newKeySealer(secret)
}

// writeNewKey writes a key file that does not exist yet (os.ErrExist when
// another start made it first).
func writeNewKey(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func newKeySealer(secret []byte) (RefreshSealer, error) {
	key, err := hkdf.Key(sha256.New, secret, nil, "cairn oidc refresh v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return keySealer{aead}, nil
}

func (k keySealer) Seal(plain []byte, owner string) ([]byte, error) {
	out := make([]byte, 1+k.aead.NonceSize(), 1+k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, out[1:], plain, []byte(refreshOwner(owner))), nil
}

func (k keySealer) Open(sealed []byte, owner string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != sealVersion {
		return nil, errors.New("not a sealed refresh token of this version")
	}
	plain, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(refreshOwner(owner)))
	if err != nil {
		return nil, errors.New("the refresh token does not open: another key, or not this account's")
	}
	return plain, nil
}
