package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/internal/testtree"
)

// End-to-end tests against a real cairn-server process on 127.0.0.1.

var serverBin string

func buildServer() error {
	dir := filepath.Dir(cairnBin)
	serverBin = filepath.Join(dir, "cairn-server")
	cmd := exec.Command("go", "build", "-o", serverBin, "../cairn-server")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build cairn-server: %v\n%s", err, out)
	}
	return nil
}

// server is a running cairn-server.
type server struct {
	t           *testing.T
	data, addr  string
	url, finger string
	cmd         *exec.Cmd
	extra       []string // more serve flags (--db, --blobs, …)
	env         []string // more environment for admin commands (CAIRN_SERVER_DB, …)
}

// freePort returns a port nobody listens on (so a server can be restarted on it).
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServer(t *testing.T) *server {
	t.Helper()
	s := &server{t: t, data: filepath.Join(t.TempDir(), "server-data"), addr: freePort(t)}
	s.start()
	t.Cleanup(s.stop)
	return s
}

var listeningLine = regexp.MustCompile(`listening on (https://\S+)`)
var fingerprintLine = regexp.MustCompile(`fingerprint: ([0-9a-f:]{95})`)

func (s *server) start() {
	t := s.t
	t.Helper()
	s.cmd = exec.Command(serverBin, append([]string{"serve", "--data", s.data, "--listen", s.addr, "--grace", "720h"}, s.extra...)...)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.OpenFile(filepath.Join(filepath.Dir(s.data), "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stderr = logf
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	for s.url == "" || s.finger == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				log, _ := os.ReadFile(filepath.Join(filepath.Dir(s.data), "server.log"))
				t.Fatalf("cairn-server exited before it was ready:\n%s", log)
			}
			if m := listeningLine.FindStringSubmatch(l); m != nil {
				s.url = m[1]
			}
			if m := fingerprintLine.FindStringSubmatch(l); m != nil {
				s.finger = m[1]
			}
		case <-deadline:
			t.Fatal("cairn-server did not say it was listening")
		}
	}
	go func() {
		for range lines {
		}
	}()
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			s.cmd.Process.Kill()
		}
		s.cmd = nil
	}
}

func (s *server) kill9() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	s.cmd = nil
}

// admin runs a cairn-server command against this server's data.
func (s *server) admin(env []string, args ...string) (string, error) {
	cmd := exec.Command(serverBin, args...)
	cmd.Env = append(append(append(os.Environ(), "CAIRN_SERVER_DATA="+s.data), s.env...), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *server) addUser(name, password string, flags ...string) {
	s.t.Helper()
	out, err := s.admin([]string{"CAIRN_SERVER_PASSWORD=" + password}, append([]string{"user", "add", name}, flags...)...)
	if err != nil {
		s.t.Fatalf("user add %s: %v\n%s", name, err, out)
	}
}

// signIn adds the server as a destination of c.
func (c *cli) signIn(s *server, dest, user, password, device string) (string, string, int) {
	c.t.Helper()
	c.setenv("CAIRN_SERVER_PASSWORD=" + password)
	return c.run("dest", "add", dest, s.url, "--user", user, "--fingerprint", s.finger, "--device", device)
}

func TestServerBackupAndRestore(t *testing.T) {
	s := startServer(t)
	s.addUser("ana", "ana's account password")
	c := newCLI(t)
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, sample)
	if _, errOut, code := c.signIn(s, "work", "ana", "ana's account password", "laptop"); code != 0 {
		t.Fatalf("sign in: %s", errOut)
	}
	c.ok("files", "add", src)
	c.ok("backup")
	c.ok("verify", "--full")
	out := c.ok("versions", filepath.Join(src, "Documents/report.txt"))
	if !versionLine.MatchString(strings.TrimSpace(out)) {
		t.Fatalf("versions: %q", out)
	}
	if out := c.ok("ls", src); !strings.Contains(out, "Documents/") {
		t.Fatalf("ls: %s", out)
	}
	c.restoreAndCompare(src)
	out = c.ok("devices")
	if !strings.Contains(out, "laptop") {
		t.Fatalf("devices: %s", out)
	}
	out = c.ok("status")
	if !strings.Contains(out, s.url) || strings.Contains(out, "pending") {
		t.Fatalf("status: %s", out)
	}
	// The server holds nothing readable.
	filepath.Walk(s.data, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() && !strings.HasSuffix(p, ".db") && !strings.Contains(p, ".db-") {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), "quarterly report") {
				t.Errorf("%s holds plaintext", p)
			}
		}
		return nil
	})
}

func TestServerAccountsAndLimits(t *testing.T) {
	s := startServer(t)
	s.addUser("ana", "pw-ana-123", "--devices", "4", "--quota", "2MiB")
	s.addUser("bo", "pw-bo-123")

	// A wrong password is said plainly.
	c := newCLI(t)
	if _, errOut, code := c.signIn(s, "work", "ana", "not her password", "pc"); code == 0 || !strings.Contains(errOut, "wrong user name or password") {
		t.Fatalf("wrong password: %d %s", code, errOut)
	}
	// Four devices are fine, the fifth is refused.
	for i := 1; i <= 4; i++ {
		ci := newCLI(t)
		if _, errOut, code := ci.signIn(s, "work", "ana", "pw-ana-123", fmt.Sprintf("pc-%d", i)); code != 0 {
			t.Fatalf("device %d: %s", i, errOut)
		}
	}
	if _, errOut, code := c.signIn(s, "work", "ana", "pw-ana-123", "pc-5"); code == 0 || !strings.Contains(errOut, "maximum number of devices") {
		t.Fatalf("fifth device: %d %s", code, errOut)
	}
	// Bo sees only his own devices.
	cb := newCLI(t)
	if _, errOut, code := cb.signIn(s, "work", "bo", "pw-bo-123", "bo-laptop"); code != 0 {
		t.Fatal(errOut)
	}
	if out := cb.ok("devices"); strings.Contains(out, "pc-1") || !strings.Contains(out, "bo-laptop") {
		t.Fatalf("bo's devices: %s", out)
	}
	// Over quota: a clear message, and nothing lost.
	ca := newCLI(t)
	ca.signIn(s, "work", "ana", "pw-ana-123", "pc-1") // the same device signs in again
	src := filepath.Join(ca.dir, "home", "ana")
	testtree.Write(t, src, map[string]testtree.Node{"video.mp4": {Random: 5 << 20}})
	ca.ok("files", "add", src)
	_, errOut := ca.expect(exitError, "backup")
	if !strings.Contains(errOut, "quota") {
		t.Fatalf("over quota: %s", errOut)
	}
}

func TestServerKilledDuringUploadThenBackupFinishes(t *testing.T) {
	s := startServer(t)
	s.addUser("ana", "pw-ana-123")
	c := newCLI(t)
	c.setenv("CAIRN_TEST_PACK_SIZE=1048576")
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, crashTree())
	if _, errOut, code := c.signIn(s, "work", "ana", "pw-ana-123", "laptop"); code != 0 {
		t.Fatal(errOut)
	}
	c.ok("files", "add", src)
	countObjects := func() int { return countFiles(filepath.Join(s.data)) }
	before := countObjects()
	cmd := c.start("backup")
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.After(60 * time.Second)
	for countObjects() < before+5 {
		select {
		case <-exited:
			t.Skip("the backup finished before the server could be killed")
		case <-deadline:
			t.Fatal("no upload seen")
		case <-time.After(2 * time.Millisecond):
		}
	}
	s.kill9()
	<-exited // the backup gives up or queues
	s.start()
	c.ok("backup")
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
}

func TestServerAndFolderWhileAThirdIsDown(t *testing.T) {
	s := startServer(t)
	down := startServer(t)
	s.addUser("ana", "pw-ana-123")
	down.addUser("ana", "pw-ana-123")
	c := newCLI(t)
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, sample)
	for _, x := range []struct {
		srv  *server
		name string
	}{{s, "work"}, {down, "spare"}} {
		if _, errOut, code := c.signIn(x.srv, x.name, "ana", "pw-ana-123", "laptop"); code != 0 {
			t.Fatal(errOut)
		}
	}
	c.ok("dest", "add", "usb", filepath.Join(c.dir, "usb"))
	c.ok("files", "add", src)
	down.stop()
	out, errOut := c.expect(exitError, "backup")
	if !strings.Contains(out, "work: Backed up") || !strings.Contains(out, "usb: Backed up") || !strings.Contains(errOut, "spare:") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "wait on this computer") {
		t.Fatalf("the queued changes are not mentioned:\n%s", errOut)
	}
	for _, dest := range []string{"work", "usb"} {
		to := filepath.Join(c.dir, "from-"+dest)
		c.ok("restore", "--dest", dest, "--to", to, src)
		testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
	}
	if out := c.ok("status"); !strings.Contains(out, "pending") {
		t.Fatalf("status does not show what waits:\n%s", out)
	}
	// The third comes back: the queue is sent and it verifies.
	down.start()
	c.ok("backup")
	c.ok("verify", "--dest", "spare", "--full")
	to := filepath.Join(c.dir, "from-spare")
	c.ok("restore", "--dest", "spare", "--to", to, src)
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
}

func TestRetiredDeviceIsToldToSignInAgain(t *testing.T) {
	s := startServer(t)
	s.addUser("ana", "pw-ana-123")
	c := newCLI(t)
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, sample)
	c.signIn(s, "work", "ana", "pw-ana-123", "laptop")
	c.ok("files", "add", src)
	c.ok("backup")
	out, err := s.admin(nil, "device", "list", "ana")
	if err != nil {
		t.Fatal(err, out)
	}
	id := regexp.MustCompile(`[0-9a-f]{32}`).FindString(out)
	if id == "" {
		t.Fatalf("no device id in:\n%s", out)
	}
	if out, err := s.admin(nil, "device", "retire", id); err != nil {
		t.Fatal(err, out)
	}
	_, errOut := c.expect(exitError, "devices")
	if !strings.Contains(errOut, "no longer accepts") {
		t.Fatalf("retired device: %s", errOut)
	}
}

var _ = context.Background

func TestPackCorruptedOnTheServerIsFoundAndRepaired(t *testing.T) {
	s := startServer(t)
	s.addUser("ana", "pw-ana-123")
	c := newCLI(t)
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, map[string]testtree.Node{"photo.jpg": {Random: 300 << 10}, "note.txt": {Data: "fine"}})
	c.signIn(s, "work", "ana", "pw-ana-123", "laptop")
	c.ok("files", "add", src)
	c.ok("backup")
	var packs []string
	filepath.Walk(filepath.Join(s.data, "objects"), func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() && strings.Contains(p, string(filepath.Separator)+"packs"+string(filepath.Separator)) {
			packs = append(packs, p)
		}
		return nil
	})
	if len(packs) != 1 {
		t.Fatalf("packs on the server: %v", packs)
	}
	data, _ := os.ReadFile(packs[0])
	data[4096] ^= 0x20
	os.WriteFile(packs[0], data, 0o600)
	_, errOut := c.expect(exitDamaged, "verify", "--full")
	if !strings.Contains(errOut, "photo.jpg") || strings.Contains(errOut, "note.txt") {
		t.Fatalf("verify:\n%s", errOut)
	}
	c.ok("backup") // stores the damaged file's data again
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
}
