// Package limitaddr says under which address a client is counted in the
// server's limits (sign-ins, single sign-on, code guessing).
package limitaddr

import "net/netip"

// Of is the address under which a client at addr is counted: an IPv6
// address by its /64, since one machine is usually given a whole /64 and
// could otherwise take a fresh address for each try (one stranger would be
// a multitude); anything else as it is.
func Of(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Unmap().Is4() {
		return addr
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}
