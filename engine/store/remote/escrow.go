package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/cairnbackup/cairn/engine/printable"
	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
)

// Key escrow: a person who chose it leaves their archive's master key with
// the organisation, sealed (NaCl anonymous box: X25519 and
// XSalsa20-Poly1305) to the organisation's escrow public key. The server
// stores the sealed key but cannot open it: the private key stays offline
// with an administrator, who uses it only to recover a forgotten password
// (cairn-server escrow recover). This file is the format's one definition,
// used by the client to seal and by cairn-server to open.

// EscrowKeySize is the size of an escrow public or private key.
const EscrowKeySize = 32

// MaxEscrowSealed bounds a sealed escrowed key on the wire and in the
// server's records (the real one is about 200 bytes).
const MaxEscrowSealed = 1024

// EscrowKey is an organisation's escrow public key (X25519).
type EscrowKey [EscrowKeySize]byte

// Fingerprint is the SHA-256 of the key in the form of certificate
// fingerprints, for a person or an administrator to compare.
func (k EscrowKey) Fingerprint() string { return Fingerprint(k[:]) }

// ParseEscrowKey checks a public key received from a server: its length,
// and that it is not one of the few weak X25519 points that would make the
// sealed key readable by anyone.
func ParseEscrowKey(b []byte) (EscrowKey, error) {
	var k EscrowKey
	if len(b) != EscrowKeySize {
		return k, fmt.Errorf("the server's escrow key is %d bytes long, not %d: it is not a key Cairn can use", len(b), EscrowKeySize)
	}
	var probe [32]byte
	if _, err := rand.Read(probe[:]); err != nil {
		return k, err
	}
	if _, err := curve25519.X25519(probe[:], b); err != nil {
		return k, errors.New("the server's escrow key is a weak key that would not protect your archive key: refusing it")
	}
	copy(k[:], b)
	return k, nil
}

// EscrowPublic derives the public key of an escrow private key.
func EscrowPublic(private [EscrowKeySize]byte) (EscrowKey, error) {
	pub, err := curve25519.X25519(private[:], curve25519.Basepoint)
	if err != nil {
		return EscrowKey{}, errors.New("the escrow private key is not valid")
	}
	return EscrowKey(pub), nil
}

// Escrowed is what is sealed: the archive's master key, and which archive
// and device it belongs to so that it is never written into another.
type Escrowed struct {
	Version   int    `json:"version"` // 1
	ArchiveID string `json:"archive_id"`
	DeviceID  string `json:"device_id"`
	Key       []byte `json:"key"` // the 32-byte master key
}

// SealEscrow seals e to the organisation's public key.
func SealEscrow(pub EscrowKey, e Escrowed) ([]byte, error) {
	e.Version = 1
	plain, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	k := [32]byte(pub)
	return box.SealAnonymous(nil, plain, &k, rand.Reader)
}

// OpenEscrow opens a sealed escrowed key with the organisation's private key.
func OpenEscrow(sealed []byte, private [EscrowKeySize]byte) (Escrowed, error) {
	var e Escrowed
	if len(sealed) > MaxEscrowSealed || len(sealed) <= box.AnonymousOverhead {
		return e, fmt.Errorf("the escrowed key is %d bytes long: it is not an escrowed Cairn key", len(sealed))
	}
	pub, err := EscrowPublic(private)
	if err != nil {
		return e, err
	}
	k := [32]byte(pub)
	plain, ok := box.OpenAnonymous(nil, sealed, &k, &private)
	if !ok {
		return e, errors.New("this private key does not open the escrowed key (it was sealed to another escrow key, or altered)")
	}
	if err := json.Unmarshal(plain, &e); err != nil || e.Version != 1 || len(e.Key) != 32 || !validID(e.DeviceID) || !validID(e.ArchiveID) {
		return Escrowed{}, errors.New("the escrowed key opened but is not in a form this cairn-server knows")
	}
	return e, nil
}

// escrowKeyJSON is GET /api/v1/escrow-key's answer.
type escrowKeyJSON struct {
	PublicKey   []byte `json:"public_key"` // base64
	Fingerprint string `json:"fingerprint"`
}

// FetchEscrowKey asks a server for its organisation's escrow public key.
// It comes over the same TLS connection as everything else: pinned to the
// fingerprint the person confirmed, or checked by certificate authorities,
// so the key is the one that server offers; the person may also compare
// its Fingerprint with one the organisation publishes. engine.ErrNotFound
// when the server offers no escrow.
func FetchEscrowKey(ctx context.Context, rawURL, fingerprint string) (EscrowKey, error) {
	c, err := newClient(rawURL, fingerprint, "")
	if err != nil {
		return EscrowKey{}, err
	}
	defer c.http.CloseIdleConnections()
	var out escrowKeyJSON
	if err := c.getJSON(ctx, c.url("api", "v1", "escrow-key"), &out); err != nil {
		return EscrowKey{}, err
	}
	return ParseEscrowKey(out.PublicKey)
}

// EscrowStatus is what the server says of a device's escrowed key.
type EscrowStatus struct {
	KeyFingerprint string `json:"key_fingerprint"` // the escrow key it is sealed to
	Updated        int64  `json:"updated"`         // Unix ns, server clock
}

// PutEscrow leaves this device's sealed master key with the server.
func (b *Backend) PutEscrow(ctx context.Context, key EscrowKey, sealed []byte) error {
	if len(sealed) > MaxEscrowSealed {
		return errors.New("the sealed key is larger than the server accepts")
	}
	body, err := json.Marshal(map[string]any{"key_fingerprint": key.Fingerprint(), "sealed": sealed})
	if err != nil {
		return err
	}
	resp, err := b.c.do(ctx, http.MethodPut, b.c.url("api", "v1", "devices", b.cfg.DeviceID, "escrow"),
		bytes.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// Escrow says whether and how this device's key is escrowed; an error
// wrapping engine.ErrNotFound when it is not.
func (b *Backend) Escrow(ctx context.Context) (EscrowStatus, error) {
	var st EscrowStatus
	err := b.c.getJSON(ctx, b.c.url("api", "v1", "devices", b.cfg.DeviceID, "escrow"), &st)
	if err == nil && len(st.KeyFingerprint) > 128 {
		err = errors.New("the server's answer is not what Cairn expects")
	}
	st.KeyFingerprint = printable.Name(st.KeyFingerprint) // shown to the person
	return st, err
}
