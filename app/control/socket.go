package control

import (
	"errors"
	"path/filepath"
)

// SocketName is the socket's name in Cairn's home folder.
const SocketName = "cairn.sock"

// ErrRunning means another process owns Cairn's home: the desktop app or
// `cairn daemon`.
var ErrRunning = errors.New("Cairn is already running (the desktop app or `cairn daemon`)")

// ErrUnsupported means this system has no control channel (neither a Unix
// socket nor a Windows named pipe): every cairn runs alone, and the index's
// own lock keeps them apart.
var ErrUnsupported = errors.New("talking to a running Cairn is not supported on this system yet")

// SocketPath is the socket's path for a Cairn home.
func SocketPath(home string) string { return filepath.Join(home, SocketName) }
