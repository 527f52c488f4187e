// Package kek holds the server's key-encryption keys: the keys that wrap
// the archive keys people chose to have their organisation hold. Only the
// server has them (a file named in [keys] kek_file); the records keep only
// wrapped keys, so a copy of the records or of the blobs alone reads
// nothing.
//
// The file holds one key per line, "ID BASE64", newest first: the first
// key wraps, the others still unwrap, so a rotation adds a key at the top,
// re-wraps what the old keys wrapped, and then drops them. Wrapping is
// AES-256-GCM from the standard library, with the wrapped key's owner as
// additional data, so a wrapped key moved to another account does not open.
package kek

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
)

// Ring is the keys of a kek file. Safe for concurrent use.
type Ring struct {
	path string // the file, re-read when a wrapped key names a KEK it lacks

	mu   sync.RWMutex
	ids  []string // newest first
	keys map[string]cipher.AEAD
}

// ErrUnknownKey: a wrapped key names a KEK the file no longer holds.
var ErrUnknownKey = errors.New("the key-encryption key that wrapped this key is not in kek_file (was it rotated away too early?)")

// ErrTampered: a wrapped key does not open (changed, or not this owner's).
var ErrTampered = errors.New("a wrapped archive key does not open: it was changed or belongs to another account")

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

const version = 1

// Load reads a kek file. It must not be readable by others than the
// server's user.
func Load(path string) (*Ring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("kek_file: %w (make one with 'cairn-server keys init')", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 { // Windows has ACLs, not modes
		return nil, fmt.Errorf("kek_file %s can be read by other users (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("kek_file: %w", err)
	}
	r, err := parse(path, b)
	if r != nil {
		r.path = path
	}
	return r, err
}

func parse(path string, b []byte) (*Ring, error) {
	r := &Ring{keys: map[string]cipher.AEAD{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, enc, ok := strings.Cut(line, " ")
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if !ok || !idPattern.MatchString(id) || err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("kek_file %s line %d: want \"ID BASE64-OF-32-BYTES\"", path, n)
		}
		if _, dup := r.keys[id]; dup {
			return nil, fmt.Errorf("kek_file %s line %d: the ID %s is there twice", path, n, id)
		}
		block, _ := aes.NewCipher(raw)
		aead, _ := cipher.NewGCM(block)
		r.ids = append(r.ids, id)
		r.keys[id] = aead
	}
	if len(r.ids) == 0 {
		return nil, fmt.Errorf("kek_file %s holds no key", path)
	}
	return r, nil
}

// Current is the ID of the key that wraps.
func (r *Ring) Current() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.ids[0]
}

// Wrap seals key for owner (e.g. "user 42") under the current KEK.
func (r *Ring) Wrap(key []byte, owner string) []byte {
	r.mu.RLock()
	id := r.ids[0]
	aead := r.keys[id]
	r.mu.RUnlock()
	out := append([]byte{version, byte(len(id))}, id...)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, key, aad(id, owner))
}

// Unwrap opens what Wrap sealed for owner.
func (r *Ring) Unwrap(wrapped []byte, owner string) ([]byte, error) {
	id, rest, err := split(wrapped)
	if err != nil {
		return nil, err
	}
	aead, ok := r.key(id)
	if !ok {
		return nil, fmt.Errorf("%w (key %s)", ErrUnknownKey, id)
	}
	if len(rest) < aead.NonceSize() {
		return nil, ErrTampered
	}
	key, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], aad(id, owner))
	if err != nil {
		return nil, ErrTampered
	}
	return key, nil
}

// key finds a KEK by ID. A key the ring lacks may have been added by
// 'cairn-server keys rotate' since the file was loaded (on this node or,
// in a cluster, another): the file is read again once, so a running
// server opens what a rotation re-wrapped, and wraps with the new key.
func (r *Ring) key(id string) (cipher.AEAD, bool) {
	r.mu.RLock()
	aead, ok := r.keys[id]
	r.mu.RUnlock()
	if ok || r.path == "" {
		return aead, ok
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if aead, ok := r.keys[id]; ok {
		return aead, true
	}
	if next, err := Load(r.path); err == nil {
		r.ids, r.keys = next.ids, next.keys
	}
	aead, ok = r.keys[id]
	return aead, ok
}

// WrappedBy is the ID of the KEK that wrapped a key: a rotation re-wraps
// those not wrapped by Current.
func WrappedBy(wrapped []byte) (string, error) {
	id, _, err := split(wrapped)
	return id, err
}

func split(w []byte) (id string, rest []byte, err error) {
	if len(w) < 2 || w[0] != version || len(w) < 2+int(w[1]) {
		return "", nil, ErrTampered
	}
	n := int(w[1])
	return string(w[2 : 2+n]), w[2+n:], nil
}

func aad(id, owner string) []byte { return []byte("cairn kek v1\x00" + id + "\x00" + owner) }

// Generate writes a new kek file with one new key (mode 0600); it refuses
// to overwrite one.
func Generate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("kek_file: %w", err)
	}
	_, werr := f.WriteString(newLine())
	return errors.Join(werr, f.Sync(), f.Close())
}

// Rotate puts a new key at the top of the file, keeping the others for
// unwrapping; it replaces the file atomically.
func Rotate(path string) (newID string, err error) {
	old, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("kek_file: %w", err)
	}
	if _, err := parse(path, old); err != nil {
		return "", err
	}
	line := newLine()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kek-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(append([]byte(line), old...))
	if err := errors.Join(werr, tmp.Chmod(0o600), tmp.Sync(), tmp.Close()); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return strings.Fields(line)[0], nil
}

func newLine() string {
	var id [6]byte
	var key [32]byte
	rand.Read(id[:])
	rand.Read(key[:])
	return fmt.Sprintf("%s %s\n", base64.RawURLEncoding.EncodeToString(id[:]), base64.StdEncoding.EncodeToString(key[:]))
}
