package server

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// fastLimits cut off what moves slower than 10 KiB/s over 300 ms.
func fastLimits(o *Options) {
	o.MinRate, o.RateWindow = 10<<10, 300*time.Millisecond
	o.ReadHeaderTimeout = 300 * time.Millisecond
}

// rawPut starts a PUT on a connection of its own (HTTP/1.1), announcing
// size bytes.
func (s *testServer) rawPut(path, token string, size int) *tls.Conn {
	s.t.Helper()
	conn, err := tls.Dial("tcp", s.ts.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: cairn\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", path, token, size)
	return conn
}

func TestSlowUploadIsCutOff(t *testing.T) {
	s := newTestServer(t, fastLimits)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	conn := s.rawPut(objPath(dev, "packs", "slow"), token, 100000)
	conn.Write(make([]byte, 1000)) // then nothing
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 408 {
		t.Fatalf("%v %v", resp, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cut off after %v", d)
	}
	if _, err := s.data.Records.LiveObject(t.Context(), dev, "packs", "slow"); err == nil {
		t.Fatal("a cut-off upload was stored")
	}
}

// An upload that takes many windows but keeps above the minimum rate
// completes, over HTTP/1.1 and HTTP/2.
func TestSlowButSteadyUploadCompletes(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.MinRate, o.RateWindow = 10<<10, 500*time.Millisecond })
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	const chunk, chunks = 4 << 10, 10 // 4 KiB every 150 ms: 27 KiB/s for 1.5 s, 3 windows
	send := func(w io.Writer) {
		for range chunks {
			w.Write(make([]byte, chunk))
			time.Sleep(150 * time.Millisecond)
		}
	}
	t.Run("HTTP/1.1", func(t *testing.T) {
		conn := s.rawPut(objPath(dev, "packs", "steady1"), token, chunk*chunks)
		send(conn)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("%v %v", resp, err)
		}
	})
	t.Run("HTTP/2", func(t *testing.T) {
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("PUT", s.ts.URL+objPath(dev, "packs", "steady2"), pr)
		req.ContentLength = chunk * chunks
		req.Header.Set("Authorization", "Bearer "+token)
		go func() { send(pw); pw.Close() }()
		resp, err := s.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 201 {
			t.Fatalf("HTTP/%d %d", resp.ProtoMajor, resp.StatusCode)
		}
	})
}

func TestSlowHTTP2UploadIsCutOff(t *testing.T) {
	s := newTestServer(t, fastLimits)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("PUT", s.ts.URL+objPath(dev, "packs", "slow2"), pr)
	req.ContentLength = 100000
	req.Header.Set("Authorization", "Bearer "+token)
	go pw.Write(make([]byte, 1000))
	start := time.Now()
	resp, err := s.ts.Client().Do(req)
	// The 408 usually arrives; the stream's reset may overtake it.
	if err == nil {
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 408 {
			t.Fatalf("HTTP/%d, status %d", resp.ProtoMajor, resp.StatusCode)
		}
	} else if !strings.Contains(err.Error(), "stream error") {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cut off after %v", d)
	}
}

func TestSlowHeadersAreCutOff(t *testing.T) {
	s := newTestServer(t, fastLimits)
	conn, err := tls.Dial("tcp", s.ts.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: cairn\r\n") // and never the blank line
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, _ := io.ReadAll(conn)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("connection held %v", d)
	}
	if strings.Contains(string(b), "200 OK") {
		t.Fatalf("answered %q", b)
	}
}

func TestStalledDownloadIsCutOff(t *testing.T) {
	s := newTestServer(t, fastLimits)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	big := strings.Repeat("x", 32<<20) // more than the socket buffers hold
	if _, err := s.data.Vault.Put(t.Context(), "ana", blobs.Ref{Device: dev, Kind: "packs", Name: "big"}, int64(len(big)), strings.NewReader(big)); err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", s.ts.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: cairn\r\nAuthorization: Bearer %s\r\n\r\n", objPath(dev, "packs", "big"), token)
	// Read nothing; the server must give up on us.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.log.String(), "method=GET path="+objPath(dev, "packs", "big")) {
		if time.Now().After(deadline) {
			t.Fatal("the server still writes to a client that reads nothing")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestUploadCutShortLeavesNothing(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	conn := s.rawPut(objPath(dev, "packs", "dropped"), token, 100000)
	conn.Write(make([]byte, 5000))
	time.Sleep(50 * time.Millisecond)
	conn.Close() // the laptop's lid closes
	waitFor(t, func() bool {
		return strings.Contains(s.log.String(), "path="+objPath(dev, "packs", "dropped")+" status=400")
	})
	if strings.Contains(s.log.String(), "level=ERROR") {
		t.Fatalf("a client going away is logged as an error:\n%s", s.log)
	}
	if _, err := s.data.Records.LiveObject(t.Context(), dev, "packs", "dropped"); err == nil {
		t.Fatal("half an upload was stored")
	}
	if es, _ := os.ReadDir(filepath.Join(s.data.Dir, "tmp")); len(es) != 0 {
		t.Fatalf("%d uploads left in tmp/", len(es))
	}
	// An empty object is an object.
	expect(t, s.do("PUT", objPath(dev, "locks", "empty"), token, ""), 201, "")
	if r := s.do("GET", objPath(dev, "locks", "empty"), token, nil); r.StatusCode != 200 || len(r.body) != 0 {
		t.Fatalf("%d %q", r.StatusCode, r.body)
	}
}
