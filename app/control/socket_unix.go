//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package control

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// dialTimeout bounds connecting; a live owner accepts at once (its backlog
// holds connections while it opens the index).
const dialTimeout = 5 * time.Second

// Listen makes this process the owner of home and returns the listener
// for Serve. It returns ErrRunning when another process owns it. A socket
// left by a crashed owner is replaced. Closing the listener removes the
// socket and gives up ownership.
func Listen(home string) (net.Listener, error) {
	if err := secureHome(home); err != nil {
		return nil, err
	}
	p := SocketPath(home)
	lock, err := os.OpenFile(p+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrRunning
		}
		return nil, fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	l, err := listenLocked(p)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return &listener{UnixListener: l, lock: lock}, nil
}

// listenLocked replaces a stale socket (the lock says nobody serves it)
// and listens. The socket is made 0600; until then the 0700 home keeps
// others out.
func listenLocked(p string) (*net.UnixListener, error) {
	if err := checkSocket(p); err != nil {
		return nil, err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("remove the stale %s: %w", p, err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"})
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(p, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Dial connects to the owner of home. Any error means there is no owner
// that can be reached: the caller then owns the index itself.
func Dial(home string) (*Conn, error) {
	p := SocketPath(home)
	if err := checkSocket(p); err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("unix", p, dialTimeout)
	if err != nil {
		return nil, err
	}
	return newConn(c), nil
}

// secureHome makes home (if needed) and keeps it the caller's alone: a
// folder of another user is refused, a mode that lets others in is fixed.
func secureHome(home string) error {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(home)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("Cairn's folder %s belongs to another user (uid %d)", home, st.Uid)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(home, 0o700); err != nil {
			return fmt.Errorf("make %s private: %w", home, err)
		}
	}
	return nil
}

// checkSocket refuses a path that is not a socket of this user. A missing
// path is fine.
func checkSocket(p string) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s belongs to another user (uid %d): not using it", p, st.Uid)
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("%s is not a socket: remove it", p)
	}
	return nil
}

// listener holds the ownership lock for as long as it is open, and lets
// in only peers of this user (where the system says who they are).
type listener struct {
	*net.UnixListener
	lock *os.File
	once sync.Once
	err  error
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.UnixListener.Accept()
		if err != nil {
			return nil, err
		}
		if err := checkPeer(c); err != nil {
			c.Close()
			continue
		}
		return c, nil
	}
}

// Close removes the socket and gives up ownership. It may be called more
// than once, also concurrently: every call returns once that is done.
func (l *listener) Close() error {
	l.once.Do(func() {
		l.err = l.UnixListener.Close() // removes the socket
		l.lock.Close()
	})
	return l.err
}
