package server

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/tlscert"
)

// TestTLSOffersOnlyAEADSuites: the real server refuses a client that
// offers only CBC suites with SHA-1 MACs, or TLS 1.1, and accepts TLS 1.2
// with an ECDHE AEAD suite and TLS 1.3.
func TestTLSOffersOnlyAEADSuites(t *testing.T) {
	s := newTestServer(t)
	certPEM, keyPEM, err := tlscert.Generate([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ctx, ln, cert) }()
	t.Cleanup(func() { stop(); <-served })

	handshake := func(c *tls.Config) error {
		c.InsecureSkipVerify = true
		d := &tls.Dialer{Config: c, NetDialer: &net.Dialer{Timeout: time.Minute}}
		conn, err := d.DialContext(t.Context(), "tcp", ln.Addr().String())
		if err == nil {
			conn.Close()
		}
		return err
	}
	cbc := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA}
	for _, c := range []struct {
		name string
		cfg  *tls.Config
		ok   bool
	}{
		{"TLS 1.2, CBC-SHA1 only", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: cbc}, false},
		{"TLS 1.1", &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, false},
		{"TLS 1.2, ECDHE AES-GCM", &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}, true},
		{"TLS 1.2, ECDHE ChaCha20", &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}}, true},
		{"TLS 1.3", &tls.Config{MinVersion: tls.VersionTLS13}, true},
	} {
		if err := handshake(c.cfg); (err == nil) != c.ok {
			t.Errorf("%s: handshake error %v, want success %v", c.name, err, c.ok)
		}
	}
}

// TestAPIAnswersAreNotCached: objects, listings and JSON answers (a token,
// the devices) carry Cache-Control: no-store.
func TestAPIAnswersAreNotCached(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	expect(t, s.do("PUT", objPath(dev, "packs", "p1"), token, "pack"), 201, "")
	for _, r := range []reply{
		s.do("POST", "/api/v1/signin", "", map[string]string{"user": "ana", "password": "pw-ana", "device": "laptop", "os": "linux"}),
		s.do("GET", "/api/v1/devices", token, nil),
		s.do("GET", "/api/v1/devices/"+dev+"/packs/", token, nil),
		s.do("GET", objPath(dev, "packs", "p1"), token, nil),
		s.do("GET", objPath(dev, "packs", "p1"), token, nil, "Range", "bytes=0-1"),
		s.do("HEAD", objPath(dev, "packs", "p1"), token, nil),
		s.do("GET", objPath(dev, "packs", "missing"), token, nil),
	} {
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s (%d): Cache-Control %q", r.Request.Method, r.Request.URL, r.StatusCode, got)
		}
	}
}
