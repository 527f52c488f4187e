//go:build !linux && !windows

package control

import "net"

// checkPeer: this system is not asked who the peer is; the socket's mode
// (0600 in a 0700 folder) keeps other users out.
func checkPeer(net.Conn) error { return nil }
