//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package control

import "net"

// Listen is not supported on this system: it returns ErrUnsupported.
func Listen(home string) (net.Listener, error) { return nil, ErrUnsupported }

// Dial is not supported here yet: it returns ErrUnsupported, and the
// caller runs alone.
func Dial(home string) (*Conn, error) { return nil, ErrUnsupported }
