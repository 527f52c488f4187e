package snapshot

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// PipeName is the named pipe the service listens on.
const PipeName = `\\.\pipe\cairn-vss`

// ProtocolVersion is sent with every request; the service refuses another.
const ProtocolVersion = 1

// The protocol: each message is a 4-byte big-endian length followed by
// that many bytes of JSON, at most MaxMessage. The client sends a Request
// and reads one Response, in turn, on one connection; the service deletes
// every shadow copy a connection made when it closes.

// MaxMessage bounds a message: requests and answers are a few hundred bytes.
const MaxMessage = 4096

// Operations a Request names.
const (
	OpSnapshot = "snapshot" // make a shadow copy of Volume
	OpRelease  = "release"  // delete the shadow copy ID made on this connection
)

// Request is what the client asks.
type Request struct {
	Version int    `json:"v"`
	Op      string `json:"op"`
	Volume  string `json:"volume,omitempty"` // OpSnapshot: a drive's root, "C:\"
	ID      string `json:"id,omitempty"`     // OpRelease: Shadow.ID
}

// Response answers a Request: Code is empty on success.
type Response struct {
	Shadow
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Shadow is one shadow copy.
type Shadow struct {
	ID     string `json:"id,omitempty"`     // Win32_ShadowCopy.ID, a GUID in braces
	Device string `json:"device,omitempty"` // \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN
	// Volume is the volume's GUID name (\\?\Volume{…}\) the service saw
	// at the drive letter, so the client can check it sees the same one.
	Volume string `json:"volume,omitempty"`
}

// Errors the service answers with; Code and ErrorOf are their one mapping
// to and from the wire.
var (
	// ErrBadRequest: the request is not one the service understands.
	ErrBadRequest = errors.New("not a request the open-file helper understands")
	// ErrBadVolume: not the root of a local fixed drive.
	ErrBadVolume = errors.New("not the root of a local fixed drive")
	// ErrLimit: this person, or everyone together, already has as many
	// shadow copies as the service allows at once.
	ErrLimit = errors.New("too many snapshots at once")
	// ErrRate: this person asked for too many snapshots lately.
	ErrRate = errors.New("too many snapshots lately")
	// ErrUnknown: no shadow copy of that ID was made on this connection.
	ErrUnknown = errors.New("no such snapshot")
	// ErrFailed: Windows could not make or delete the shadow copy.
	ErrFailed = errors.New("Windows could not make the snapshot")
)

var codes = []struct {
	code string
	err  error
}{
	{"bad-request", ErrBadRequest},
	{"bad-volume", ErrBadVolume},
	{"limit", ErrLimit},
	{"rate", ErrRate},
	{"unknown", ErrUnknown},
	{"failed", ErrFailed},
}

// Code is err's wire code: "" for nil, "failed" for an error of no other.
func Code(err error) string {
	if err == nil {
		return ""
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "failed"
}

// ErrorOf turns a Response's code and message back into an error that
// errors.Is matches against the sentinel; nil for success.
func ErrorOf(code, message string) error {
	if code == "" {
		return nil
	}
	for _, c := range codes {
		if c.code == code {
			if message == "" || message == c.err.Error() {
				return c.err
			}
			return fmt.Errorf("%w: %s", c.err, message)
		}
	}
	return fmt.Errorf("%w: %s (%s)", ErrFailed, message, code)
}

// Write sends v as one message.
func Write(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) > MaxMessage {
		return fmt.Errorf("message of %d bytes: more than %d", len(b), MaxMessage)
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	_, err = w.Write(buf)
	return err
}

// Read reads one message into v. io.EOF means the other end closed
// between messages.
func Read(r io.Reader, v any) error {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > MaxMessage {
		return fmt.Errorf("%w: a message of %d bytes", ErrBadRequest, size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return nil
}
