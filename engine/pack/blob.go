package pack

import (
	"fmt"

	"github.com/cairnbackup/cairn/engine/compress"
	"github.com/cairnbackup/cairn/engine/crypt"
)

// SealChunk seals a chunk for storage: plain must be the algorithm byte
// followed by the payload (see compress). The chunk ID is both the key
// context and the associated data, so a blob only opens as the chunk it claims
// to be. The result is appended to dst.
func SealChunk(s *crypt.Sealer, dst []byte, id [32]byte, plain []byte) ([]byte, error) {
	return s.Seal(dst, id[:], plain, id[:])
}

// Opener opens sealed chunks, reusing its buffers. Not safe for concurrent use.
type Opener struct {
	s   *crypt.Sealer
	d   *compress.Decompressor
	buf []byte
}

// NewOpener returns an Opener for chunks sealed under the data key of s.
func NewOpener(s *crypt.Sealer) *Opener { return &Opener{s: s, d: compress.NewDecompressor()} }

// Open authenticates a sealed blob and returns the chunk's plaintext
// (decompressed), appended to dst. rawLen is the plaintext length the index
// or the pack table recorded.
func (o *Opener) Open(dst []byte, id [32]byte, sealed []byte, rawLen int) ([]byte, error) {
	plain, err := o.s.Open(o.buf[:0], id[:], sealed, id[:])
	if err != nil {
		return nil, fmt.Errorf("chunk %x: %w", id[:4], err)
	}
	if len(plain) < 1 {
		return nil, fmt.Errorf("chunk %x: empty plaintext: %w", id[:4], ErrFormat)
	}
	o.buf = plain
	out, err := o.d.Decompress(dst, compress.Algorithm(plain[0]), plain[1:], rawLen)
	if err != nil {
		return nil, fmt.Errorf("chunk %x: %w", id[:4], err)
	}
	return out, nil
}
