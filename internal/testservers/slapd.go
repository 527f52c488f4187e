package testservers

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvRequireSlapd set to 1 makes a machine without OpenLDAP's slapd fail the
// tests that need it, instead of skipping them (CI sets it).
const EnvRequireSlapd = "CAIRN_TEST_LDAP"

// SlapdStartTimeout bounds slapd's start on a loaded machine.
const SlapdStartTimeout = time.Minute

// Slapd is a real OpenLDAP server (Debian's slapd) of one test, on
// 127.0.0.1, with StartTLS under a CA made for the test. Its directory is
// empty but for the base entry and the ou=people and ou=groups folders;
// tests add entries with Add.
type Slapd struct {
	// URL is ldap://127.0.0.1:PORT (StartTLS is offered on it).
	URL string
	// CAFile is the PEM file of the CA that signed the server's
	// certificate; OtherCAFile is a CA that did not (for "wrong CA" tests).
	CAFile, OtherCAFile string
	// Base is the suffix, "dc=example,dc=org"; People and Groups the two
	// folders under it.
	Base, People, Groups string
	// RootDN and RootPassword may do anything.
	RootDN, RootPassword string

	dir string
	log *lockedBuffer
}

// slapdSchema adds what an Active Directory entry has and OpenLDAP lacks
// (sAMAccountName, userAccountControl), so AD-style filters and the
// disabled flag can be tested against the real server. The OIDs are under
// an arc reserved for examples (1.3.6.1.4.1.32473, RFC 5612).
const slapdSchema = `attributetype ( 1.3.6.1.4.1.32473.1.1.1 NAME 'sAMAccountName'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.1.1.2 NAME 'userAccountControl'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.1.2.1 NAME 'cairnADUser' AUXILIARY
	MAY ( sAMAccountName $ userAccountControl ) )
`

// StartSlapd starts slapd for t and stops it when t ends. Without Debian's
// slapd (packages slapd and ldap-utils) the test is skipped, or fails when
// CAIRN_TEST_LDAP=1.
func StartSlapd(t testing.TB) *Slapd {
	t.Helper()
	bin, err := exec.LookPath("slapd")
	if err != nil {
		bin = "/usr/sbin/slapd"
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv(EnvRequireSlapd) != "1" {
			t.Skipf("no slapd here: install the Debian packages slapd and ldap-utils, or set %s=1 to make this a failure",
				EnvRequireSlapd)
		}
		t.Fatalf("slapd: %v", err)
	}
	s := &Slapd{Base: "dc=example,dc=org", RootDN: "cn=admin,dc=example,dc=org", RootPassword: "root-secret",
		dir: t.TempDir(), log: &lockedBuffer{}}
	s.People, s.Groups = "ou=people,"+s.Base, "ou=groups,"+s.Base
	if err := s.writeConfig(); err != nil {
		t.Fatalf("slapd: %v", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("slapd: %v", err)
	}
	s.URL = "ldap://127.0.0.1:" + strconv.Itoa(port)
	// -d 0 keeps it in the foreground, so it dies with the test binary's
	// process group and is waited for here.
	cmd := exec.Command(bin, "-f", filepath.Join(s.dir, "slapd.conf"), "-h", s.URL+"/", "-d", "0")
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start slapd: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	if err := s.waitReady(exited); err != nil {
		t.Fatalf("slapd: %v\n%s", err, s.log.String())
	}
	s.Add(t, fmt.Sprintf("dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"+
		"dn: %s\nobjectClass: organizationalUnit\nou: people\n\ndn: %s\nobjectClass: organizationalUnit\nou: groups\n",
		s.Base, s.People, s.Groups))
	return s
}

func (s *Slapd) writeConfig() error {
	ca, caKey, err := newCA("Cairn test LDAP CA")
	if err != nil {
		return err
	}
	other, _, err := newCA("Some other CA")
	if err != nil {
		return err
	}
	cert, key, err := newServerCert(ca, caKey)
	if err != nil {
		return err
	}
	s.CAFile, s.OtherCAFile = filepath.Join(s.dir, "ca.crt"), filepath.Join(s.dir, "other-ca.crt")
	files := map[string][]byte{
		"ca.crt": ca.Raw, "other-ca.crt": other.Raw, "server.crt": cert,
	}
	for name, der := range files {
		if err := os.WriteFile(filepath.Join(s.dir, name), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(s.dir, "server.key"), key, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.dir, "ad.schema"), []byte(slapdSchema), 0o600); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(s.dir, "db"), 0o700); err != nil {
		return err
	}
	var conf strings.Builder
	for _, schema := range []string{"core", "cosine", "inetorgperson", "nis"} {
		fmt.Fprintf(&conf, "include /etc/ldap/schema/%s.schema\n", schema)
	}
	d := s.dir
	fmt.Fprintf(&conf, `include %s/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile %s/slapd.pid
TLSCACertificateFile %s/ca.crt
TLSCertificateFile %s/server.crt
TLSCertificateKeyFile %s/server.key
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
database mdb
maxsize 104857600
suffix "%s"
rootdn "%s"
rootpw %s
directory %s/db
overlay memberof
`, d, d, d, d, d, s.Base, s.RootDN, s.RootPassword, d)
	return os.WriteFile(filepath.Join(d, "slapd.conf"), []byte(conf.String()), 0o600)
}

// waitReady polls until slapd accepts a connection, or it exits.
func (s *Slapd) waitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(SlapdStartTimeout)
	addr := strings.TrimPrefix(s.URL, "ldap://")
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("slapd exited at start")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("slapd did not answer within " + SlapdStartTimeout.String())
}

// Add adds entries (LDIF) as the root DN, with ldapadd (the groups' members
// must exist first, so the memberof overlay fills their memberOf).
func (s *Slapd) Add(t testing.TB, ldif string) { s.run(t, "ldapadd", ldif) }

// Modify applies an LDIF change (changetype: modify/delete) as the root DN.
func (s *Slapd) Modify(t testing.TB, ldif string) { s.run(t, "ldapmodify", ldif) }

func (s *Slapd) run(t testing.TB, tool, ldif string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "-x", "-H", s.URL, "-D", s.RootDN, "-w", s.RootPassword)
	cmd.Stdin = strings.NewReader(ldif)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s\n%s", tool, err, out, ldif)
	}
}

// AddUser adds a person under People with uid name and the password, and
// the AD attributes (sAMAccountName = name, userAccountControl = 512).
func (s *Slapd) AddUser(t testing.TB, name, password string) (dn string) {
	t.Helper()
	dn = "uid=" + name + "," + s.People
	s.Add(t, fmt.Sprintf("dn: %s\nobjectClass: inetOrgPerson\nobjectClass: cairnADUser\nuid: %s\ncn: %s\nsn: %s\n"+
		"mail: %s@example.org\nuserPassword: %s\nsAMAccountName: %s\nuserAccountControl: 512\n",
		dn, name, name, name, name, password, name))
	return dn
}

// AddGroup adds a groupOfNames under Groups with these member DNs.
func (s *Slapd) AddGroup(t testing.TB, cn string, members ...string) (dn string) {
	t.Helper()
	dn = "cn=" + cn + "," + s.Groups
	var b strings.Builder
	fmt.Fprintf(&b, "dn: %s\nobjectClass: groupOfNames\ncn: %s\n", dn, cn)
	for _, m := range members {
		fmt.Fprintf(&b, "member: %s\n", m)
	}
	s.Add(t, b.String())
	return dn
}

// SetGroupMembers replaces a group's members.
func (s *Slapd) SetGroupMembers(t testing.TB, groupDN string, members ...string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "dn: %s\nchangetype: modify\nreplace: member\n", groupDN)
	for _, m := range members {
		fmt.Fprintf(&b, "member: %s\n", m)
	}
	s.Modify(t, b.String())
}

// SetAttr replaces one attribute of an entry.
func (s *Slapd) SetAttr(t testing.TB, dn, attr, value string) {
	t.Helper()
	s.Modify(t, fmt.Sprintf("dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n", dn, attr, attr, value))
}

// Delete removes an entry.
func (s *Slapd) Delete(t testing.TB, dn string) {
	t.Helper()
	s.Modify(t, fmt.Sprintf("dn: %s\nchangetype: delete\n", dn))
}

// newCA makes a self-signed CA certificate and key for a test.
func newCA(name string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// newServerCert makes a certificate for 127.0.0.1 and localhost signed by
// the CA; it returns the certificate's DER and the key's PEM.
func newServerCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey) (der, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return der, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer is a server's output, written by its process and read by
// the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
