package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/tlscert"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// The command line is tested as administrators and clients use it: the real
// binary (built without cgo), a real data folder, real TLS on 127.0.0.1.

var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cairn-server-bin-")
	if err != nil {
		panic(err)
	}
	serverBin = filepath.Join(dir, "cairn-server")
	cmd := exec.Command("go", "build", "-o", serverBin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build cairn-server: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	testservers.StopPostgres()
	os.RemoveAll(dir)
	os.Exit(code)
}

// admin runs cairn-server commands on one data folder.
type admin struct {
	t    *testing.T
	data string
	env  []string
}

func newAdmin(t *testing.T) *admin {
	dir := t.TempDir()
	a := &admin{t: t, data: filepath.Join(dir, "data")}
	a.env = append(os.Environ(), "CAIRN_SERVER_DATA="+a.data, "CAIRN_SERVER_TEST_FAST_KDF=1", "CAIRN_SERVER_PASSWORD=")
	return a
}

func (a *admin) run(args ...string) (stdout, stderr string, code int) {
	a.t.Helper()
	cmd := exec.Command(serverBin, args...)
	cmd.Env = a.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		a.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func (a *admin) ok(args ...string) string {
	a.t.Helper()
	out, errs, code := a.run(args...)
	if code != 0 {
		a.t.Fatalf("cairn-server %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (a *admin) addUser(name string, args ...string) {
	a.t.Helper()
	pw := filepath.Join(a.t.TempDir(), "pw")
	os.WriteFile(pw, []byte("pw-"+name+"-long\nignored second line\n"), 0o600)
	a.ok(append([]string{"user", "add", name, "--password-file", pw}, args...)...)
}

// served is a running cairn-server serve.
type served struct {
	t           *testing.T
	cmd         *exec.Cmd
	url         string
	fingerprint string
	stderr      *lockedBuffer
	done        chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *lockedBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

func (a *admin) serve(args ...string) *served {
	a.t.Helper()
	cmd := exec.Command(serverBin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = a.env
	s := &served{t: a.t, cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		a.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		a.t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	a.t.Cleanup(func() { cmd.Process.Kill(); <-s.done })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(20 * time.Second)
	for s.url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				a.t.Fatalf("serve ended before listening:\n%s", s.stderr)
			}
			if fp, ok := strings.CutPrefix(l, "fingerprint: "); ok {
				s.fingerprint = fp
			}
			if u, ok := strings.CutPrefix(l, "listening on "); ok {
				s.url = u
			}
		case <-timeout:
			a.t.Fatalf("serve did not say where it listens:\n%s", s.stderr)
		}
	}
	go func() {
		for range lines {
		}
	}()
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *served) stop() {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("serve after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(20 * time.Second):
		s.t.Fatal("serve did not stop on SIGTERM")
	}
	s.done <- nil // for the cleanup
}

// client talks to a server whose certificate it pins by fingerprint, as
// the Cairn client does on first use.
type client struct {
	t     *testing.T
	url   string
	http  *http.Client
	token string
	dev   string
	seen  string // the fingerprint of the certificate the server presented
}

func newClient(t *testing.T, url, pin string) *client {
	c := &client{t: t, url: url}
	c.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		ForceAttemptHTTP2: true,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
			c.seen = tlscert.FingerprintDER(cs.PeerCertificates[0].Raw)
			if c.seen != pin {
				return fmt.Errorf("fingerprint %s, pinned %s", c.seen, pin)
			}
			return nil
		}},
	}}
	return c
}

func (c *client) do(method, path string, body io.Reader, size int64) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, c.url+path, body)
	if err != nil {
		return nil, nil, err
	}
	if body != nil {
		req.ContentLength = size
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (c *client) must(method, path string, body []byte, status int) []byte {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	resp, b, err := c.do(method, path, rd, int64(len(body)))
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, status)
	}
	return b
}

func (c *client) signin(user, device string) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"user": user, "password": "pw-" + user + "-long", "device": device, "os": "linux"})
	var out struct {
		Token    string `json:"token"`
		DeviceID string `json:"device_id"`
	}
	json.Unmarshal(c.must("POST", "/api/v1/signin", body, 200), &out)
	c.token, c.dev = out.Token, out.DeviceID
}

func (c *client) obj(kind, name string) string {
	return "/api/v1/devices/" + c.dev + "/" + kind + "/" + name
}

func TestServeEndToEnd(t *testing.T) {
	a := newAdmin(t)
	srv := a.serve("--host", "backup.example.org")
	if !strings.HasPrefix(srv.url, "https://127.0.0.1:") {
		t.Fatalf("url %q", srv.url)
	}
	// The administration commands work while the server runs.
	a.addUser("ana")
	a.addUser("bob", "--quota", "1kB", "--devices", "1")
	if fp := strings.TrimSpace(a.ok("fingerprint")); fp != srv.fingerprint {
		t.Fatalf("fingerprint command %q, serve printed %q", fp, srv.fingerprint)
	}
	c := newClient(t, srv.url, srv.fingerprint)
	c.must("GET", "/healthz", nil, 200)
	if c.seen != srv.fingerprint {
		t.Fatalf("the TLS client saw %s", c.seen)
	}
	c.signin("ana", "laptop")
	pack := bytes.Repeat([]byte("sealed"), 10000)
	c.must("PUT", c.obj("packs", "ab12"), pack, 201)
	c.must("PUT", c.obj("packs", "ab12"), pack, 200)
	if got := c.must("GET", c.obj("packs", "ab12"), nil, 200); !bytes.Equal(got, pack) {
		t.Fatal("read back differs")
	}
	bob := newClient(t, srv.url, srv.fingerprint)
	bob.signin("bob", "phone")
	bob.must("PUT", bob.obj("keys", "k"), make([]byte, 2000), 507)
	bob.must("GET", c.obj("packs", "ab12"), nil, 404)
	other := newClient(t, srv.url, srv.fingerprint)
	body, _ := json.Marshal(map[string]string{"user": "bob", "password": "pw-bob-long", "device": "tablet", "os": "ios"})
	other.must("POST", "/api/v1/signin", body, 403)

	if out := a.ok("user", "list"); !strings.Contains(out, "ana   60 kB") || !strings.Contains(out, "1 of 4") {
		t.Fatalf("user list:\n%s", out)
	}
	if out := a.ok("device", "list", "ana"); !strings.Contains(out, c.dev) || !strings.Contains(out, "laptop") || !strings.Contains(out, "60 kB") {
		t.Fatalf("device list:\n%s", out)
	}
	// Retiring a device signs it out and frees its slot.
	a.ok("device", "retire", bob.dev)
	bob.must("GET", "/api/v1/devices", nil, 401)
	other.must("POST", "/api/v1/signin", body, 200)
	a.ok("user", "disable", "ana")
	c.must("GET", "/api/v1/devices", nil, 403)
	a.ok("user", "enable", "ana")
	c.must("GET", "/api/v1/devices", nil, 200)

	srv.stop()
	if !strings.Contains(srv.stderr.String(), "msg=request method=PUT path="+c.obj("packs", "ab12")+" status=201") {
		t.Fatalf("log:\n%s", srv.stderr)
	}
	// The certificate is kept: the same fingerprint after a restart.
	if again := a.serve(); again.fingerprint != srv.fingerprint {
		t.Fatal("a restart made a new certificate")
	}
}

func TestTrashRestoreCommand(t *testing.T) {
	a := newAdmin(t)
	a.addUser("ana")
	srv := a.serve()
	c := newClient(t, srv.url, srv.fingerprint)
	c.signin("ana", "laptop")
	c.must("PUT", c.obj("versions", "seg1"), []byte("versions 1"), 201)
	c.must("PUT", c.obj("packs", "p1"), []byte("pack 1"), 201)
	c.must("DELETE", c.obj("versions", "seg1"), nil, 204)
	c.must("DELETE", c.obj("packs", "p1"), nil, 204)
	c.must("GET", c.obj("versions", "seg1"), nil, 404)
	out := a.ok("trash", "list", "ana")
	if !strings.Contains(out, "seg1") || !strings.Contains(out, "2 objects, 16 B, in the trash (grace window 720h0m0s)") {
		t.Fatalf("trash list:\n%s", out)
	}
	if out := a.ok("trash", "restore", "ana", "--device", c.dev, "--since", "1h"); !strings.Contains(out, "restored 2 objects (16 B)") {
		t.Fatalf("trash restore: %s", out)
	}
	if got := c.must("GET", c.obj("versions", "seg1"), nil, 200); string(got) != "versions 1" {
		t.Fatalf("restored %q", got)
	}
	if out := a.ok("trash", "list"); !strings.Contains(out, "0 objects") {
		t.Fatalf("trash list after restore:\n%s", out)
	}
	if _, errs, code := a.run("trash", "restore", "nobody"); code != 1 || !strings.Contains(errs, "there is no user nobody") {
		t.Fatalf("restore for nobody: %d %s", code, errs)
	}
}

// A server killed with kill -9 in the middle of an upload shows no half
// object after a restart, and the client's retry succeeds.
func TestKill9DuringUpload(t *testing.T) {
	a := newAdmin(t)
	a.addUser("ana")
	srv := a.serve()
	c := newClient(t, srv.url, srv.fingerprint)
	c.signin("ana", "laptop")
	pack := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	pr, pw := io.Pipe()
	failed := make(chan error, 1)
	go func() {
		_, _, err := c.do("PUT", c.obj("packs", "kill9"), pr, int64(len(pack)))
		failed <- err
	}()
	pw.Write(pack[:len(pack)/2])
	waitFor(t, func() bool { es, _ := os.ReadDir(filepath.Join(a.data, "tmp")); return len(es) > 0 })
	srv.cmd.Process.Signal(syscall.SIGKILL)
	<-srv.done
	srv.done <- nil
	pw.CloseWithError(io.ErrUnexpectedEOF)
	if err := <-failed; err == nil {
		t.Fatal("the upload was acknowledged by a killed server")
	}

	srv = a.serve()
	c = &client{t: t, url: srv.url, http: newClient(t, srv.url, srv.fingerprint).http, token: c.token, dev: c.dev}
	if got := c.must("GET", "/api/v1/devices/"+c.dev+"/packs/", nil, 200); string(got) != "[]\n" {
		t.Fatalf("after the crash: %s", got)
	}
	c.must("HEAD", c.obj("packs", "kill9"), nil, 404)
	if es, _ := os.ReadDir(filepath.Join(a.data, "tmp")); len(es) != 0 {
		t.Fatalf("%d leftovers in tmp/", len(es))
	}
	c.must("PUT", c.obj("packs", "kill9"), pack, 201)
	if got := c.must("GET", c.obj("packs", "kill9"), nil, 200); !bytes.Equal(got, pack) {
		t.Fatal("read back differs")
	}
	srv.stop()
	if out := a.ok("check"); !strings.Contains(out, "0 problems") {
		t.Fatalf("check:\n%s", out)
	}
}

func TestCheckCommand(t *testing.T) {
	a := newAdmin(t)
	a.addUser("ana")
	srv := a.serve()
	c := newClient(t, srv.url, srv.fingerprint)
	c.signin("ana", "laptop")
	c.must("PUT", c.obj("packs", "aa11"), []byte("pack"), 201)
	srv.stop()
	// A file the records do not know: what a crash between naming an
	// upload and recording it leaves.
	stray := filepath.Join(a.data, "objects", c.dev, "packs", "bb", "bb22")
	os.MkdirAll(filepath.Dir(stray), 0o700)
	os.WriteFile(stray, []byte("stray"), 0o600)
	out, _, code := a.run("check", "--dry-run")
	if code != 1 || !strings.Contains(out, "bb22 (5 bytes) is stored but not recorded") {
		t.Fatalf("check --dry-run: %d\n%s", code, out)
	}
	out = a.ok("check")
	if !strings.Contains(out, "fixed: moved to the trash") || !strings.Contains(out, "1 problems, 1 fixed") {
		t.Fatalf("check:\n%s", out)
	}
	if out := a.ok("check"); !strings.Contains(out, "checked 2 records and 2 files: 0 problems") {
		t.Fatalf("check again:\n%s", out)
	}
	if out := a.ok("trash", "list", "ana"); !strings.Contains(out, "bb22") {
		t.Fatalf("trash list:\n%s", out)
	}
}

func TestOwnCertificate(t *testing.T) {
	a := newAdmin(t)
	dir := t.TempDir()
	certPEM, keyPEM, err := tlscert.Generate([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, certPEM, 0o600)
	os.WriteFile(keyFile, keyPEM, 0o600)
	srv := a.serve("--tls-cert", certFile, "--tls-key", keyFile)
	fp := strings.TrimSpace(a.ok("fingerprint", "--tls-cert", certFile))
	if fp != srv.fingerprint {
		t.Fatalf("%s vs %s", fp, srv.fingerprint)
	}
	c := newClient(t, srv.url, fp)
	c.must("GET", "/healthz", nil, 200)
	if _, err := os.Stat(filepath.Join(a.data, "tls")); err == nil {
		t.Fatal("made a self-signed certificate beside the given one")
	}
}

func TestCommandLineErrors(t *testing.T) {
	a := newAdmin(t)
	a.addUser("ana")
	pw := filepath.Join(t.TempDir(), "short")
	os.WriteFile(pw, []byte("short\n"), 0o600)
	noData := append([]string{}, a.env...)
	noData = append(noData, "CAIRN_SERVER_DATA=")
	for _, tc := range []struct {
		args []string
		env  []string
		code int
		want string
	}{
		{[]string{"user", "add", "ana", "--password-file", pw}, nil, 1, "user ana exists already"},
		{[]string{"user", "add", "bob", "--password-file", pw}, nil, 1, "shorter than 8 characters"},
		{[]string{"user", "add", "bob"}, nil, 1, "no password"},
		{[]string{"user", "add", "bob", "--quota", "lots"}, nil, 2, `"lots" is not a size`},
		{[]string{"user", "add", "bad name"}, nil, 2, "is not valid"},
		{[]string{"user", "quota", "nobody", "1TB"}, nil, 1, "there is no user nobody"},
		{[]string{"user", "quota", "ana"}, nil, 2, "expected a user name and a size"},
		{[]string{"user", "list"}, noData, 2, "no data folder"},
		{[]string{"device", "retire", "0123"}, nil, 1, "there is no device 0123"},
		{[]string{"serve", "--tls-cert", "x"}, nil, 2, "both --tls-cert and --tls-key"},
		{[]string{"frobnicate"}, nil, 2, "unknown command"},
		{[]string{"trash", "restore", "ana", "--since", "last tuesday"}, nil, 2, "is not a time"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			if tc.env != nil {
				old := a.env
				a.env = tc.env
				defer func() { a.env = old }()
			}
			_, errs, code := a.run(tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.want)
			}
		})
	}
	// Devices: lowering the limit under what a user has is refused.
	srv := a.serve()
	for _, d := range []string{"one", "two"} {
		newClient(t, srv.url, srv.fingerprint).signin("ana", d)
	}
	_, errs, code := a.run("user", "devices", "ana", "1")
	if code != 1 || !strings.Contains(errs, "ana has 2 devices already; retire 1 with 'cairn-server device retire ID'") {
		t.Fatalf("%d %s", code, errs)
	}
	a.ok("user", "devices", "ana", "2")
	if _, errs, code := a.run("user", "passwd", "ana", "--password-file", filepath.Join(t.TempDir(), "missing")); code != 1 ||
		!strings.Contains(errs, "password file") {
		t.Fatalf("passwd from a missing file: %d %s", code, errs)
	}
	newPW := filepath.Join(t.TempDir(), "new")
	os.WriteFile(newPW, []byte("a new password\n"), 0o600)
	a.ok("user", "passwd", "ana", "--password-file", newPW)
	c := newClient(t, srv.url, srv.fingerprint)
	body, _ := json.Marshal(map[string]string{"user": "ana", "password": "pw-ana-long", "device": "one", "os": "linux"})
	c.must("POST", "/api/v1/signin", body, 401)
	body, _ = json.Marshal(map[string]string{"user": "ana", "password": "a new password", "device": "one", "os": "linux"})
	c.must("POST", "/api/v1/signin", body, 200)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
