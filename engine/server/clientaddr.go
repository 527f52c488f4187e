package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr is the address of the client that sent r, as the server's
// sign-in limits, logs and audit log see it: the direct peer, or behind a
// trusted proxy the client it names (Options.TrustedProxies). For a request
// that did not pass through the server's handler, the direct peer.
func ClientAddr(r *http.Request) string {
	if i := infoOf(r); i != nil && i.addr != "" {
		return i.addr
	}
	return peerAddr(r)
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientAddr finds the client of r. X-Forwarded-For is read only when the
// peer is a trusted proxy, and from the right: each proxy appends the
// address it was connected from, so the rightmost address that is not a
// trusted proxy is the client; what lies left of it the client wrote
// itself, and anyone can write anything there.
func (s *Server) clientAddr(r *http.Request) string {
	peer := peerAddr(r)
	ip, err := netip.ParseAddr(peer)
	if err != nil || !s.trustedProxy(ip) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := ip
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // not an address a proxy wrote: stop at the last one that was
		}
		client = hop.Unmap()
		if !s.trustedProxy(client) {
			break
		}
	}
	return client.String()
}

func (s *Server) trustedProxy(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range s.o.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
