package tlscert

import (
	"crypto/ecdsa"
	"crypto/x509"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestLoadOrCreateKeepsTheCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c, created, err := LoadOrCreate(dir, append(DefaultHosts(), "backup.example.org", "192.0.2.7"), now)
	if err != nil || !created {
		t.Fatalf("created %v: %v", created, err)
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Fatalf("key %T", leaf.PublicKey)
	}
	if got := leaf.NotAfter.Sub(now); got != Validity {
		t.Fatalf("valid for %v", got)
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "backup.example.org", "192.0.2.7"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if m := Missing(c, []string{"localhost", "other.example.org"}); len(m) != 1 || m[0] != "other.example.org" {
		t.Fatalf("missing %v", m)
	}
	again, created, err := LoadOrCreate(dir, nil, now.Add(time.Hour))
	if err != nil || created || Fingerprint(again) != Fingerprint(c) {
		t.Fatalf("reloaded: created %v, %v", created, err)
	}
	if !regexp.MustCompile(`^([0-9a-f]{2}:){31}[0-9a-f]{2}$`).MatchString(Fingerprint(c)) {
		t.Fatalf("fingerprint %q", Fingerprint(c))
	}
}
