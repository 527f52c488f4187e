package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Validity of a self-signed certificate: long, because replacing it means
// every client must accept a new fingerprint.
const Validity = 10 * 365 * 24 * time.Hour

// File names of the self-signed certificate in its folder.
const (
	CertFile = "cert.pem"
	KeyFile  = "key.pem"
)

// Load reads a certificate and its key (PEM files).
func Load(certFile, keyFile string) (tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return c, fmt.Errorf("load certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return c, nil
}

// LoadOrCreate loads the self-signed certificate in dir, or makes one valid
// for hosts (names or addresses) and keeps it there. created says which.
func LoadOrCreate(dir string, hosts []string, now time.Time) (c tls.Certificate, created bool, err error) {
	certFile, keyFile := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	if _, err := os.Stat(certFile); err == nil {
		c, err := Load(certFile, keyFile)
		return c, false, err
	} else if !errors.Is(err, fs.ErrNotExist) {
		return c, false, err
	}
	certPEM, keyPEM, err := Generate(hosts, now)
	if err != nil {
		return c, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return c, false, fmt.Errorf("certificate folder: %w", err)
	}
	// The key first: a certificate without its key would be loaded and fail.
	if err := writeFile(keyFile, keyPEM, 0o600); err != nil {
		return c, false, err
	}
	if err := writeFile(certFile, certPEM, 0o644); err != nil {
		return c, false, err
	}
	c, err = tls.X509KeyPair(certPEM, keyPEM)
	return c, true, err
}

// DefaultHosts are the names a self-signed certificate always covers:
// localhost, the loopback addresses and the machine's host name.
func DefaultHosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, err := os.Hostname(); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	return hosts
}

// Generate makes a self-signed ECDSA P-256 certificate for hosts, valid
// from now (less an hour for clocks a little behind) for Validity.
func Generate(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "cairn-server", Organization: []string{"Cairn backup server"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(Validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	seen := map[string]bool{}
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("make certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// Fingerprint is the SHA-256 of the leaf certificate's DER, in lower-case
// hex with a colon between bytes: what clients pin.
func Fingerprint(c tls.Certificate) string {
	if len(c.Certificate) == 0 {
		return ""
	}
	return FingerprintDER(c.Certificate[0])
}

// FingerprintDER is Fingerprint of one DER certificate.
func FingerprintDER(der []byte) string {
	sum := sha256.Sum256(der)
	h := hex.EncodeToString(sum[:])
	parts := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// Missing returns the hosts the certificate does not cover.
func Missing(c tls.Certificate, hosts []string) []string {
	if len(c.Certificate) == 0 {
		return hosts
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return hosts
	}
	var missing []string
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil && !slices.Contains(missing, h) {
			missing = append(missing, h)
		}
	}
	return missing
}

func writeFile(path string, data []byte, perm os.FileMode) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
