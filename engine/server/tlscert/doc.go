// Package tlscert gives the server its TLS certificate: the administrator's
// own, or a self-signed one made on first start and kept, so clients that
// pinned its fingerprint (trust on first use) keep trusting it.
package tlscert
