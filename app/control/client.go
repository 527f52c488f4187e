package control

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// showTimeout bounds the wait for an owner to show its window.
const showTimeout = 10 * time.Second

// Conn is a connection to the owner, for one request.
type Conn struct {
	c net.Conn
	w *wire
}

func newConn(c net.Conn) *Conn { return &Conn{c: c, w: &wire{rw: c}} }

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Show asks the owner to show its window. window is false when it has
// none (`cairn daemon`).
func (c *Conn) Show() (window bool, err error) {
	c.c.SetDeadline(time.Now().Add(showTimeout))
	if err := c.w.send(frame{Kind: kindShow}); err != nil {
		return false, err
	}
	f, err := c.w.receive()
	if err != nil {
		return false, err
	}
	switch f.Kind {
	case kindShown:
		return f.Window, nil
	case kindError:
		return false, errors.New(f.Error)
	}
	return false, fmt.Errorf("%w: %q in answer to show", ErrProtocol, f.Kind)
}

// Stdio is the caller's side of a command.
type Stdio struct {
	// Stdin answers prompts: read without echo when it is a terminal, a
	// line at a time otherwise. nil answers every prompt with EOF.
	Stdin          *os.File
	Stdout, Stderr io.Writer
}

// Run runs req in the owner: its output goes to stdio as it comes, its
// questions are answered from stdio.Stdin, and it returns the command's
// exit code. When ctx ends (Ctrl-C) the owner is asked to cancel the
// command, and Run still waits for its exit code. An error means the
// connection failed; exitCode is then meaningless. Run closes c.
func (c *Conn) Run(ctx context.Context, req Request, stdio Stdio) (exitCode int, err error) {
	defer c.Close()
	if err := c.w.send(frame{Kind: kindRun, Run: &req}); err != nil {
		return 0, err
	}
	stop := context.AfterFunc(ctx, func() { c.w.send(frame{Kind: kindCancel}) })
	defer stop()
	p := &prompter{stdio: stdio, w: c.w}
	defer p.restore()
	for {
		f, err := c.w.receive()
		if err != nil {
			return 0, err
		}
		switch f.Kind {
		case kindStdout:
			stdio.Stdout.Write(f.Data)
		case kindStderr:
			stdio.Stderr.Write(f.Data)
		case kindPrompt:
			if f.Prompt != nil {
				go p.ask(*f.Prompt)
			}
		case kindExit:
			return f.Code, nil
		case kindError:
			return 0, errors.New(f.Error)
		}
	}
}

// prompter answers the owner's questions from the caller's stdin.
type prompter struct {
	stdio Stdio
	w     *wire

	mu    sync.Mutex // one question at a time
	in    *bufio.Reader
	ttyMu sync.Mutex
	tty   *term.State // while a password is read without echo
	fd    int
}

func (p *prompter) ask(q Prompt) {
	p.mu.Lock()
	a := p.read(q)
	p.mu.Unlock()
	p.w.send(frame{Kind: kindAnswer, Answer: &a})
}

func (p *prompter) read(q Prompt) Answer {
	if p.stdio.Stdin == nil {
		return Answer{EOF: true}
	}
	fd := int(p.stdio.Stdin.Fd())
	if !term.IsTerminal(fd) {
		if p.in == nil {
			p.in = bufio.NewReader(p.stdio.Stdin)
		}
		line, err := p.in.ReadBytes('\n')
		return Answer{Line: bytes.TrimRight(line, "\r\n"), EOF: err != nil}
	}
	fmt.Fprint(p.stdio.Stderr, q.Text)
	if q.Echo {
		if p.in == nil {
			p.in = bufio.NewReader(p.stdio.Stdin)
		}
		line, err := p.in.ReadBytes('\n')
		return Answer{Line: bytes.TrimRight(line, "\r\n"), Terminal: true, EOF: err != nil}
	}
	st, _ := term.GetState(fd)
	p.ttyMu.Lock()
	p.tty, p.fd = st, fd
	p.ttyMu.Unlock()
	pw, err := term.ReadPassword(fd)
	p.ttyMu.Lock()
	p.tty = nil
	p.ttyMu.Unlock()
	fmt.Fprintln(p.stdio.Stderr)
	a := Answer{Line: pw, Terminal: true}
	if err != nil {
		a.Err = err.Error()
	}
	return a
}

// restore gives the terminal its echo back when the command ended during
// a question.
func (p *prompter) restore() {
	p.ttyMu.Lock()
	defer p.ttyMu.Unlock()
	if p.tty != nil {
		term.Restore(p.fd, p.tty)
		fmt.Fprintln(p.stdio.Stderr)
	}
}
