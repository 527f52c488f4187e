package server

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// Throughput of 16 MiB uploads and downloads over TLS on loopback, four at
// a time (the client's upload concurrency), durable on the real disk.
func BenchmarkUpload(b *testing.B) {
	s := newBenchServer(b)
	token, dev := s.signin("ana", "laptop")
	data := make([]byte, 16<<20)
	rand.Read(data)
	var n atomic.Int64
	b.SetBytes(int64(len(data)))
	b.SetParallelism(1)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("PUT", s.ts.URL+objPath(dev, "packs", fmt.Sprintf("p%06d", n.Add(1))), bytes.NewReader(data))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := s.ts.Client().Do(req)
			if err != nil || resp.StatusCode != 201 {
				b.Fatalf("%v %v", resp, err)
			}
			resp.Body.Close()
		}
	})
}

func BenchmarkDownload(b *testing.B) {
	s := newBenchServer(b)
	token, dev := s.signin("ana", "laptop")
	data := make([]byte, 16<<20)
	rand.Read(data)
	expect(s.t, s.do("PUT", objPath(dev, "packs", "p1"), token, data), 201, "")
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", s.ts.URL+objPath(dev, "packs", "p1"), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := s.ts.Client().Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("%v %v", resp, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

func newBenchServer(b *testing.B) *testServer {
	s := newTestServer(b)
	s.addUser("ana", records.User{})
	return s
}
