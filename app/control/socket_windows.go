//go:build windows

package control

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// dialTimeout bounds connecting; a live owner always has an instance of
// its pipe waiting.
const dialTimeout = 5 * time.Second

// pipeBuffer is each direction's buffer: two frames of output.
const pipeBuffer = 2 * chunk

// Listen makes this process the owner of home and returns the listener
// for Serve. It returns ErrRunning when another process of this person
// owns it. The pipe (PipeName) is made with FILE_CREATE, so only one
// process holds it, and it goes away with that process: nothing is left by
// a crash. Closing the listener gives up ownership.
func Listen(home string) (net.Listener, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	me, err := currentUser()
	if err != nil {
		return nil, err
	}
	name := PipeName(me.String(), home)
	l, err := winio.ListenPipe(name, &winio.PipeConfig{SecurityDescriptor: pipeSecurity(me.String()),
		InputBufferSize: pipeBuffer, OutputBufferSize: pipeBuffer})
	if err != nil {
		var code windows.Errno
		if errors.As(err, &code) && pipeTaken(uintptr(code)) {
			return nil, takenBy(name, me, err)
		}
		return nil, fmt.Errorf("listen on %s: %w", name, err)
	}
	return &listener{Listener: l, me: me}, nil
}

// takenBy says who holds the pipe name, which Listen could not make
// (listenErr): this person's running Cairn (ErrRunning), or a program of
// another account that took it first.
func takenBy(name string, me *windows.SID, listenErr error) error {
	timeout := dialTimeout
	c, err := winio.DialPipe(name, &timeout)
	switch {
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND):
		// Nobody holds it: making it failed for another reason.
		return fmt.Errorf("listen on %s: %w", name, listenErr)
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return fmt.Errorf("another account's program holds %s, so Cairn cannot take it: sign that account out or restart Windows, then start Cairn again", name)
	case err != nil:
		return ErrRunning // busy, or still starting
	}
	defer c.Close()
	if err := checkServer(c, me); errors.Is(err, errOtherAccount) {
		return fmt.Errorf("%s is held by %v: sign that account out or restart Windows, then start Cairn again", name, err)
	}
	return ErrRunning
}

// Dial connects to the owner of home. Any error means there is no owner
// that can be reached: the caller then owns the index itself.
func Dial(home string) (*Conn, error) {
	me, err := currentUser()
	if err != nil {
		return nil, err
	}
	timeout := dialTimeout
	c, err := winio.DialPipe(PipeName(me.String(), home), &timeout)
	if err != nil {
		return nil, err
	}
	if err := checkServer(c, me); err != nil {
		c.Close()
		return nil, err
	}
	return newConn(c), nil
}

// listener lets in only clients of this account.
type listener struct {
	net.Listener
	me *windows.SID
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if err := checkPeer(c, l.me); err != nil {
			c.Close()
			continue
		}
		return c, nil
	}
}
