package server

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/tlscert"
)

// An upload in flight when the server is told to stop completes, is
// acknowledged and is durable; then the server stops.
func TestGracefulShutdownKeepsAnUploadInFlight(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) { testGracefulShutdown(t, h2) })
	}
}

func testGracefulShutdown(t *testing.T, h2 bool) {
	if sharedStores() {
		t.Skip("shutting down does not depend on the stores; this test watches the data folder for the upload under way")
	}
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")

	certPEM, keyPEM, err := tlscert.Generate([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := tls.X509KeyPair(certPEM, keyPEM)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ctx, ln, cert) }()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: h2}}
	body := strings.Repeat("p", 1<<20)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", "https://"+ln.Addr().String()+objPath(dev, "packs", "inflight"), pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Authorization", "Bearer "+token)
	answered := make(chan int, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			answered <- 0
			return
		}
		resp.Body.Close()
		if h2 != (resp.ProtoMajor == 2) {
			t.Errorf("HTTP/%d", resp.ProtoMajor)
		}
		answered <- resp.StatusCode
	}()
	go func() {
		io.WriteString(pw, body[:len(body)/2])
		<-ctx.Done()
		time.Sleep(300 * time.Millisecond) // the server is shutting down meanwhile
		io.WriteString(pw, body[len(body)/2:])
		pw.Close()
	}()
	waitFor(t, func() bool { es, _ := os.ReadDir(filepath.Join(s.data.Dir, "tmp")); return len(es) > 0 })
	stop()
	if code := <-answered; code != 201 {
		t.Fatalf("upload in flight answered %d", code)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if o, err := s.data.Records.LiveObject(t.Context(), dev, "packs", "inflight"); err != nil || o.Size != int64(len(body)) {
		t.Fatalf("recorded: %+v %v", o, err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("still accepting connections")
	}
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
