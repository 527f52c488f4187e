package crypt

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// KeySize is the size of every key in bytes (AES-256, HMAC-SHA-256).
const KeySize = 32

// MasterKey is an archive's root secret. It never leaves the computer unwrapped.
type MasterKey [KeySize]byte

// NewMasterKey returns a fresh random master key.
func NewMasterKey() (MasterKey, error) {
	var k MasterKey
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("read random key: %w", err)
	}
	return k, nil
}

// Keys are the sub-keys of an archive, each for one purpose.
type Keys struct {
	ID   [KeySize]byte // HMAC key for chunk IDs
	Data [KeySize]byte // root of per-chunk sealing keys
	Meta [KeySize]byte // root of per-object keys for pack tables, version segments, config
	Gear [KeySize]byte // seed of the chunker's gear table (keeps chunk boundaries secret)
}

// HKDF labels: part of the archive format.
const (
	labelID   = "cairn v1 chunk id"
	labelData = "cairn v1 data"
	labelMeta = "cairn v1 meta"
	labelGear = "cairn v1 chunker gear"
)

// Derive computes the sub-keys of master.
func (m MasterKey) Derive() (Keys, error) {
	var k Keys
	for _, d := range []struct {
		dst   *[KeySize]byte
		label string
	}{{&k.ID, labelID}, {&k.Data, labelData}, {&k.Meta, labelMeta}, {&k.Gear, labelGear}} {
		b, err := hkdf.Key(sha256.New, m[:], nil, d.label, KeySize)
		if err != nil {
			return Keys{}, fmt.Errorf("derive %s key: %w", d.label, err)
		}
		copy(d.dst[:], b)
	}
	return k, nil
}

// ErrAuth means sealed data failed authentication: it was tampered with,
// truncated, or sealed under another key.
var ErrAuth = errors.New("authentication failed")

// ErrWrongPassword means a password did not unwrap a key.
var ErrWrongPassword = errors.New("wrong password")
