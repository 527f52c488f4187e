package chunk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// Gear is the 256-entry table of the gear hash: one pseudo-random 64-bit value
// per byte value. It is derived per archive from a secret (see NewGear) so that
// chunk boundaries do not let anyone who sees chunk sizes fingerprint known files.
type Gear [256]uint64

// gearLabel separates the gear derivation from any other use of the same seed.
// It is part of the archive format: changing it moves every chunk boundary.
const gearLabel = "cairn chunk gear v1"

// NewGear derives a gear table deterministically from seed.
//
// The derivation is part of the archive format. With HMAC-SHA-256 keyed by seed
// (any length, empty allowed), block j for j = 0..63 is
//
//	B_j = HMAC-SHA-256(key = seed, message = "cairn chunk gear v1" || uint32_be(j))
//
// and entry 4j+k, for k = 0..3, is the little-endian uint64 in bytes 8k..8k+7 of B_j.
func NewGear(seed []byte) *Gear {
	var g Gear
	mac := hmac.New(sha256.New, seed)
	msg := make([]byte, len(gearLabel)+4)
	copy(msg, gearLabel)
	var sum [sha256.Size]byte
	for j := range len(g) / 4 {
		binary.BigEndian.PutUint32(msg[len(gearLabel):], uint32(j))
		mac.Reset()
		mac.Write(msg)
		block := mac.Sum(sum[:0])
		for k := range 4 {
			g[4*j+k] = binary.LittleEndian.Uint64(block[8*k:])
		}
	}
	return &g
}
