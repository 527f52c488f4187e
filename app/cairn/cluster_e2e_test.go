package main

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cairnserver "github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/internal/testservers"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// balancer is a TCP load balancer in front of server nodes, as an
// organisation runs one (TLS passes through it): it sends new connections
// to the node it is pointed at, and counts the bytes clients send.
type balancer struct {
	l    net.Listener
	to   atomic.Value // string: the node's address
	sent atomic.Int64
	mu   sync.Mutex
	open []net.Conn
}

func newBalancer(t *testing.T, to string) *balancer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &balancer{l: l}
	b.to.Store(to)
	go b.serve()
	t.Cleanup(func() { l.Close(); b.cut() })
	return b
}

func (b *balancer) serve() {
	for {
		c, err := b.l.Accept()
		if err != nil {
			return
		}
		go b.forward(c)
	}
}

func (b *balancer) forward(c net.Conn) {
	n, err := net.Dial("tcp", b.to.Load().(string))
	if err != nil {
		c.Close()
		return
	}
	b.mu.Lock()
	b.open = append(b.open, c, n)
	b.mu.Unlock()
	go func() {
		io.Copy(n, countingReader{c, &b.sent})
		n.Close()
	}()
	io.Copy(c, n)
	c.Close()
}

// switchTo sends new connections to another node and drops the open ones
// (the node behind them is gone).
func (b *balancer) switchTo(addr string) {
	b.to.Store(addr)
	b.cut()
}

func (b *balancer) cut() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.open {
		c.Close()
	}
	b.open = nil
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestTwoNodesOverSharedStores: two server nodes keep their records in one
// PostgreSQL and their blobs in one S3 bucket, behind a load balancer. A
// client backs up through the first; it is killed mid-upload; the backup
// finishes through the second, and everything restores byte for byte.
func TestTwoNodesOverSharedStores(t *testing.T) {
	db := testservers.StartPostgres(t)
	blobs := testservers.StartS3(t)
	a := &server{t: t, data: filepath.Join(t.TempDir(), "node-a"), addr: freePort(t),
		extra: []string{"--db", db, "--blobs", blobs}, env: []string{"CAIRN_SERVER_DB=" + db, "CAIRN_SERVER_BLOBS=" + blobs}}
	a.start()
	t.Cleanup(a.stop)
	// The second node serves the same certificate: clients pin one.
	b := &server{t: t, data: filepath.Join(t.TempDir(), "node-b"), addr: freePort(t),
		extra: []string{"--db", db, "--blobs", blobs,
			"--tls-cert", filepath.Join(a.data, cairnserver.TLSDir, "cert.pem"), "--tls-key", filepath.Join(a.data, cairnserver.TLSDir, "key.pem")}}
	b.start()
	t.Cleanup(b.stop)
	if b.finger != a.finger {
		t.Fatalf("the nodes show different certificates: %s and %s", a.finger, b.finger)
	}
	a.addUser("ana", "pw-ana-123") // in the shared database: both nodes know her

	lb := newBalancer(t, a.addr)
	front := &server{t: t, url: "https://" + lb.l.Addr().String(), finger: a.finger}
	c := newCLI(t)
	c.setenv("CAIRN_TEST_PACK_SIZE=1048576")
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, crashTree())
	if _, errOut, code := c.signIn(front, "work", "ana", "pw-ana-123", "laptop"); code != 0 {
		t.Fatal(errOut)
	}
	c.ok("files", "add", src)
	cmd := c.start("backup")
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	start := lb.sent.Load()
	deadline := time.After(60 * time.Second)
	for lb.sent.Load() < start+3<<20 {
		select {
		case <-exited:
			t.Skip("the backup finished before the node could be killed")
		case <-deadline:
			t.Fatal("no upload seen")
		case <-time.After(2 * time.Millisecond):
		}
	}
	a.kill9()
	lb.switchTo(b.addr)
	<-exited // it gives up or queues what is left
	if out := c.ok("backup"); strings.Contains(out, "queued") {
		t.Fatalf("the second node did not take the rest:\n%s", out)
	}
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
}
