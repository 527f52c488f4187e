package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// requestTimeout bounds the wait for a client's first frame.
const requestTimeout = 10 * time.Second

// Handler is what the owner does with requests. Its methods are called
// concurrently, one goroutine per connection.
type Handler interface {
	// Show brings the owner's window forward; false means it has none.
	Show() bool
	// Run runs c's command and returns its exit code. ctx ends when the
	// client presses Ctrl-C or goes away, or the owner stops: Run should
	// then return soon.
	Run(ctx context.Context, c *Call) int
}

// Call is one command run for a client.
type Call struct {
	Request
	// Stdout and Stderr are the client's; safe for concurrent use. A write
	// fails once the client has gone.
	Stdout, Stderr io.Writer

	ctx     context.Context
	w       *wire
	askMu   sync.Mutex
	answers chan Answer
}

// Getenv returns a variable of the client's environment ("" when it was
// not sent).
func (c *Call) Getenv(name string) string { return c.Env[name] }

// Ask asks the client for a secret and waits for its answer, or for the
// command to be cancelled. Questions are asked one at a time.
func (c *Call) Ask(p Prompt) (Answer, error) {
	c.askMu.Lock()
	defer c.askMu.Unlock()
	if err := c.w.send(frame{Kind: kindPrompt, Prompt: &p}); err != nil {
		return Answer{}, err
	}
	select {
	case a := <-c.answers:
		if a.Err != "" {
			return a, errors.New(a.Err)
		}
		return a, nil
	case <-c.ctx.Done():
		return Answer{}, c.ctx.Err()
	}
}

// Serve answers connections on l with h until ctx ends or l fails. When
// ctx ends it closes l, cancels the commands still running and waits for
// them, and returns nil: after Serve the owner may close what they use.
func Serve(ctx context.Context, l net.Listener, h Handler) error {
	conns, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				l.Close() // done once this returns, whoever closed it first
				return nil
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			serveConn(conns, c, h)
		}()
	}
}

// serveConn answers one client's request.
func serveConn(ctx context.Context, c net.Conn, h Handler) {
	defer c.Close()
	w := &wire{rw: c}
	c.SetReadDeadline(time.Now().Add(requestTimeout))
	f, err := w.receive()
	if err != nil {
		return
	}
	c.SetReadDeadline(time.Time{})
	switch {
	case f.Version != Version:
		w.send(frame{Kind: kindError, Error: fmt.Sprintf(
			"the running Cairn speaks protocol %d, this cairn %d: use the same version of both, or stop the running one", Version, f.Version)})
	case f.Kind == kindShow:
		w.send(frame{Kind: kindShown, Window: h.Show()})
	case f.Kind == kindRun && f.Run != nil:
		run(ctx, w, *f.Run, h)
	default:
		w.send(frame{Kind: kindError, Error: fmt.Sprintf("unknown request %q", f.Kind)})
	}
}

// run runs a command, listening for the client's answers and Ctrl-C.
func run(ctx context.Context, w *wire, req Request, h Handler) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	call := &Call{Request: req, Stdout: stream{w, kindStdout}, Stderr: stream{w, kindStderr},
		ctx: ctx, w: w, answers: make(chan Answer, 1)}
	go func() {
		for {
			f, err := w.receive()
			if err != nil {
				cancel() // the client went away
				return
			}
			switch f.Kind {
			case kindCancel:
				cancel()
			case kindAnswer:
				if f.Answer != nil {
					select {
					case call.answers <- *f.Answer:
					default: // nobody asked
					}
				}
			}
		}
	}()
	code := h.Run(ctx, call)
	w.send(frame{Kind: kindExit, Code: code})
}
