package passhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost settings.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8  // lanes
}

// Default follows RFC 9106's second recommended option (64 MiB, 3 passes),
// the same as the archive keys (engine/crypt): about 0.1 s per sign-in on a
// server core, which is nothing for a person signing in once per device and a
// great deal for someone guessing.
var Default = Params{Time: 3, Memory: 64 * 1024, Threads: uint8(min(4, max(1, runtime.NumCPU())))}

// Test is cheap, for tests only.
var Test = Params{Time: 1, Memory: 64, Threads: 1}

const (
	saltSize = 16
	hashSize = 32
)

// ErrFormat means a stored hash cannot be read.
var ErrFormat = errors.New("password hash is not an argon2id hash this server can read")

var b64 = base64.RawStdEncoding

// Hash returns the encoded Argon2id hash of password with a fresh random salt.
func Hash(password []byte, p Params) (string, error) {
	if len(password) == 0 {
		return "", errors.New("the password is empty")
	}
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	sum := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, hashSize)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// Verify reports whether password matches encoded. The comparison takes the
// same time whichever byte differs.
func Verify(password []byte, encoded string) (bool, error) {
	p, salt, sum, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, uint32(len(sum)))
	return subtle.ConstantTimeCompare(got, sum) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker parameters than p
// (or cannot be read), so a sign-in can store a fresh hash.
func NeedsRehash(encoded string, p Params) bool {
	q, _, _, err := decode(encoded)
	return err != nil || q.Time < p.Time || q.Memory < p.Memory
}

func decode(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrFormat
	}
	if p.validate() != nil {
		return p, nil, nil, ErrFormat
	}
	salt, err1 := b64.DecodeString(parts[4])
	sum, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(sum) < 16 || len(sum) > 64 {
		return p, nil, nil, ErrFormat
	}
	return p, salt, sum, nil
}

// validate bounds the parameters, so a tampered hash cannot make a sign-in
// allocate gigabytes.
func (p Params) validate() error {
	if p.Time < 1 || p.Time > 100 || p.Memory < 8 || p.Memory > 4<<20 || p.Threads < 1 {
		return fmt.Errorf("unusable Argon2id parameters %+v", p)
	}
	return nil
}
