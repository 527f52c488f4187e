package pack

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cairnbackup/cairn/engine/crypt"
)

// Format constants. Part of the archive format: never change them in place.
const (
	HeaderSize  = 8
	TrailerSize = 8
	EntrySize   = 32 + 4 + 4 + 4
	saltSize    = 32
	tableVer    = 1
	// MaxSize bounds a pack (offsets are 32-bit); packs are tens of MiB.
	MaxSize = 1 << 31
)

var (
	magic        = []byte("CAIRNPK\x01")
	trailerMagic = []byte("CRNT")
	tableAD      = []byte("cairn v1 pack table")
)

// ErrFormat means the bytes are not a valid pack: truncated, tampered with,
// or not a pack at all.
var ErrFormat = errors.New("not a valid pack")

// Entry locates one sealed chunk inside a pack.
type Entry struct {
	ID        [32]byte
	Offset    uint32 // of the sealed blob from the start of the pack
	Length    uint32 // of the sealed blob
	RawLength uint32 // of the chunk's plaintext
}

// Writer streams a pack to w. Not safe for concurrent use.
type Writer struct {
	w       io.Writer
	off     int64
	entries []Entry
}

// NewWriter starts a pack on w, writing the header.
func NewWriter(w io.Writer) (*Writer, error) {
	pw := &Writer{w: w}
	if err := pw.write(magic); err != nil {
		return nil, err
	}
	return pw, nil
}

func (w *Writer) write(b []byte) error {
	if _, err := w.w.Write(b); err != nil {
		return err
	}
	w.off += int64(len(b))
	return nil
}

// Add appends a sealed chunk blob (as made by SealChunk) and returns its entry.
func (w *Writer) Add(id [32]byte, sealed []byte, rawLen int) (Entry, error) {
	if w.off+int64(len(sealed)) >= MaxSize {
		return Entry{}, fmt.Errorf("pack would exceed %d bytes", MaxSize)
	}
	e := Entry{ID: id, Offset: uint32(w.off), Length: uint32(len(sealed)), RawLength: uint32(rawLen)}
	if err := w.write(sealed); err != nil {
		return Entry{}, err
	}
	w.entries = append(w.entries, e)
	return e, nil
}

// Size is the number of bytes written so far.
func (w *Writer) Size() int64 { return w.off }

// Count is the number of chunks added.
func (w *Writer) Count() int { return len(w.entries) }

// Finish writes the sealed table and the trailer, and returns the pack's
// entries and its size.
func (w *Writer) Finish(meta *crypt.Sealer) (entries []Entry, size int64, err error) {
	plain := make([]byte, 0, 5+len(w.entries)*EntrySize)
	plain = append(plain, tableVer)
	plain = binary.LittleEndian.AppendUint32(plain, uint32(len(w.entries)))
	for _, e := range w.entries {
		plain = appendEntry(plain, e)
	}
	section := make([]byte, saltSize, saltSize+len(plain)+crypt.Overhead)
	if _, err := rand.Read(section); err != nil {
		return nil, 0, err
	}
	section, err = meta.Seal(section, section[:saltSize], plain, tableAD)
	if err != nil {
		return nil, 0, err
	}
	section = binary.LittleEndian.AppendUint32(section, uint32(len(section)))
	section = append(section, trailerMagic...)
	if err := w.write(section); err != nil {
		return nil, 0, err
	}
	return w.entries, w.off, nil
}

func appendEntry(b []byte, e Entry) []byte {
	b = append(b, e.ID[:]...)
	b = binary.LittleEndian.AppendUint32(b, e.Offset)
	b = binary.LittleEndian.AppendUint32(b, e.Length)
	return binary.LittleEndian.AppendUint32(b, e.RawLength)
}

// tailGuess is how much of a pack's end ReadTable reads at once: enough for
// the table of a pack of ~1,400 chunks, so usually one read suffices.
const tailGuess = 64 << 10

// ReadTable reads and authenticates the table of the pack of the given size.
func ReadTable(r io.ReaderAt, size int64, meta *crypt.Sealer) ([]Entry, error) {
	if size < HeaderSize+TrailerSize+saltSize+crypt.Overhead {
		return nil, fmt.Errorf("%d bytes is too short for a pack: %w", size, ErrFormat)
	}
	n := min(size, tailGuess)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil {
		return nil, fmt.Errorf("read pack tail: %w", err)
	}
	if !bytes.Equal(tail[n-4:], trailerMagic) {
		return nil, fmt.Errorf("trailer missing (truncated?): %w", ErrFormat)
	}
	secLen := int64(binary.LittleEndian.Uint32(tail[n-8:]))
	if secLen < saltSize+crypt.Overhead || secLen > size-HeaderSize-TrailerSize {
		return nil, fmt.Errorf("table length %d out of range: %w", secLen, ErrFormat)
	}
	var section []byte
	if secLen+TrailerSize <= n {
		section = tail[n-TrailerSize-secLen : n-TrailerSize]
	} else {
		section = make([]byte, secLen)
		if _, err := r.ReadAt(section, size-TrailerSize-secLen); err != nil {
			return nil, fmt.Errorf("read pack table: %w", err)
		}
	}
	plain, err := meta.Open(nil, section[:saltSize], section[saltSize:], tableAD)
	if err != nil {
		return nil, fmt.Errorf("pack table: %w: %w", err, ErrFormat)
	}
	return parseTable(plain, size-TrailerSize-secLen)
}

// parseTable decodes an authenticated table, checking every entry lies within
// the blob area [HeaderSize, end).
func parseTable(plain []byte, end int64) ([]Entry, error) {
	if len(plain) < 5 || plain[0] != tableVer {
		return nil, fmt.Errorf("table version unknown: %w", ErrFormat)
	}
	count := int(binary.LittleEndian.Uint32(plain[1:]))
	body := plain[5:]
	if len(body) != count*EntrySize {
		return nil, fmt.Errorf("table holds %d bytes for %d entries: %w", len(body), count, ErrFormat)
	}
	entries := make([]Entry, count)
	for i := range entries {
		b := body[i*EntrySize:]
		e := &entries[i]
		copy(e.ID[:], b[:32])
		e.Offset = binary.LittleEndian.Uint32(b[32:])
		e.Length = binary.LittleEndian.Uint32(b[36:])
		e.RawLength = binary.LittleEndian.Uint32(b[40:])
		if int64(e.Offset) < HeaderSize || int64(e.Offset)+int64(e.Length) > end || e.Length < crypt.Overhead+1 {
			return nil, fmt.Errorf("entry %d (%d+%d) outside the pack: %w", i, e.Offset, e.Length, ErrFormat)
		}
	}
	return entries, nil
}

// CheckHeader verifies the first bytes of a pack.
func CheckHeader(b []byte) error {
	if len(b) < HeaderSize || !bytes.Equal(b[:HeaderSize], magic) {
		return fmt.Errorf("header missing: %w", ErrFormat)
	}
	return nil
}
