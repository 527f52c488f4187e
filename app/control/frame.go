package control

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Version is the protocol's version, carried in every frame. Change it when
// a frame's meaning changes; new kinds and fields need no change.
const Version = 1

// MaxFrame is the largest frame either side accepts (output is sent in
// pieces well below it).
const MaxFrame = 1 << 20

// chunk is the most output one frame carries.
const chunk = 32 << 10

// Frame kinds.
const (
	kindShow   = "show"   // client: bring your window forward
	kindShown  = "shown"  // owner: done (Window says whether there is one)
	kindRun    = "run"    // client: run Run
	kindStdout = "stdout" // owner: Data for the client's stdout
	kindStderr = "stderr" // owner: Data for the client's stderr
	kindPrompt = "prompt" // owner: ask Prompt
	kindAnswer = "answer" // client: Answer to the last prompt
	kindCancel = "cancel" // client: stop the command (Ctrl-C)
	kindExit   = "exit"   // owner: the command ended with Code
	kindError  = "error"  // owner: the request was refused, Error says why
)

// frame is one message. Which fields are set depends on Kind.
type frame struct {
	Version int      `json:"v"`
	Kind    string   `json:"k"`
	Run     *Request `json:"run,omitempty"`
	Data    []byte   `json:"data,omitempty"`
	Prompt  *Prompt  `json:"prompt,omitempty"`
	Answer  *Answer  `json:"answer,omitempty"`
	Code    int      `json:"code,omitempty"`
	Window  bool     `json:"window,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// Request is a command for the owner to run.
type Request struct {
	// Args are the command and its arguments, without the program name
	// and the global flags (the owner has its own home).
	Args []string `json:"args"`
	// Dir is the caller's working directory: relative paths are relative
	// to it.
	Dir string `json:"dir"`
	// Env holds the caller's environment variables the command may read;
	// the owner's own environment is not used for the command.
	Env map[string]string `json:"env,omitempty"`
	// StdinTerminal, StdoutTerminal and StderrTerminal say which of the
	// caller's streams are terminals; Width is the terminal's width in
	// columns (0 when unknown).
	StdinTerminal  bool `json:"stdin_tty,omitempty"`
	StdoutTerminal bool `json:"stdout_tty,omitempty"`
	StderrTerminal bool `json:"stderr_tty,omitempty"`
	Width          int  `json:"width,omitempty"`
}

// Prompt is a question for a secret, such as a password.
type Prompt struct {
	// Text is shown on the caller's terminal before it reads (not when it
	// reads from a pipe).
	Text string `json:"text"`
	// Echo reads a plain answer (a yes or no) with the terminal's echo on;
	// otherwise a secret is read without echo.
	Echo bool `json:"echo,omitempty"`
}

// Answer is what the caller read for a Prompt.
type Answer struct {
	Line     []byte `json:"line,omitempty"`     // without the line ending
	Terminal bool   `json:"terminal,omitempty"` // read from a terminal, without echo
	EOF      bool   `json:"eof,omitempty"`      // stdin ended before a line ending
	Err      string `json:"err,omitempty"`      // reading failed
}

// ErrProtocol means the other side sent something this side cannot read.
var ErrProtocol = errors.New("control: malformed frame")

// wire reads and writes frames on one connection. Writes are serialised;
// reads belong to one goroutine.
type wire struct {
	rw io.ReadWriter
	mu sync.Mutex
}

func (w *wire) send(f frame) error {
	f.Version = Version
	body, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if len(body) > MaxFrame {
		return fmt.Errorf("control: frame of %d bytes is too large", len(body))
	}
	buf := make([]byte, 4, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	buf = append(buf, body...)
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err = w.rw.Write(buf)
	return err
}

func (w *wire) receive() (frame, error) {
	return readFrame(w.rw)
}

func readFrame(r io.Reader) (frame, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n > MaxFrame {
		return frame{}, fmt.Errorf("%w: %d bytes", ErrProtocol, n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return frame{}, err
	}
	var f frame
	if err := json.Unmarshal(body, &f); err != nil {
		return frame{}, fmt.Errorf("%w: %v", ErrProtocol, err)
	}
	return f, nil
}

// stream is an io.Writer that sends what is written as frames of a kind.
type stream struct {
	w    *wire
	kind string
}

func (s stream) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		piece := p[:min(len(p), chunk)]
		if err := s.w.send(frame{Kind: s.kind, Data: piece}); err != nil {
			return n, err
		}
		n += len(piece)
		p = p[len(piece):]
	}
	return n, nil
}
