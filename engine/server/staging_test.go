package server

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// gatedBody sends head bytes, then waits for gate to close before sending
// the rest of size bytes.
type gatedBody struct {
	size, head, sent int64
	gate             <-chan struct{}
}

func (g *gatedBody) Read(p []byte) (int, error) {
	if g.sent >= g.size {
		return 0, io.EOF
	}
	if g.sent >= g.head {
		<-g.gate
	}
	limit := g.size
	if g.sent < g.head {
		limit = g.head
	}
	n := int(min(int64(len(p)), limit-g.sent))
	clear(p[:n])
	g.sent += int64(n)
	return n, nil
}

// stagedBytes is what the data folder's staging area holds (0 when the
// objects are not on the local disk).
func (s *testServer) stagedBytes() int64 {
	if s.data.Blobs == nil {
		return 0
	}
	var n int64
	filepath.WalkDir(filepath.Join(s.data.Dir, "tmp"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// putAsync starts a PUT whose answer arrives on the channel returned. It
// goes over HTTP/1.1, a connection of its own: an HTTP/2 stream whose body
// is held back can hold up the answers of others on the connection.
func (s *testServer) putAsync(path, token string, body io.Reader, size int64) <-chan reply {
	out := make(chan reply, 1)
	tc := s.ts.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tc.NextProtos = []string{"http/1.1"}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tc, DisableKeepAlives: true}}
	go func() {
		req, _ := http.NewRequest("PUT", s.ts.URL+path, body)
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			s.t.Errorf("PUT %s: %v", path, err)
			out <- reply{}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out <- reply{resp, b}
	}()
	return out
}

// waitReplies collects n replies from chans, failing after a generous
// deadline: the point is that they come while the accepted upload is still
// held back.
func waitReplies(t *testing.T, chans []<-chan reply, n int) (got []reply, pending []<-chan reply) {
	t.Helper()
	deadline := time.After(time.Minute)
	left := append([]<-chan reply(nil), chans...)
	for len(got) < n {
		progress := false
		for i := 0; i < len(left); i++ {
			select {
			case r := <-left[i]:
				got = append(got, r)
				left = append(left[:i], left[i+1:]...)
				i--
				progress = true
			default:
			}
		}
		if !progress {
			select {
			case <-deadline:
				t.Fatalf("%d answers of %d came while the other uploads were held back", len(got), n)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return got, left
}

// TestStagingIsBoundedByQuota: 8 uploads of 30 MB at once from a user with
// 34 MB of quota left: one is staged, the 7 others are refused at once,
// before a byte of theirs is staged (the figure before: 240 MB
// staged, then 7 refused).
func TestStagingIsBoundedByQuota(t *testing.T) {
	const size, left = 30 << 20, 34 << 20
	s := newTestServer(t)
	s.addUser("ana", records.User{Quota: left})
	token, dev := s.signin("ana", "laptop")
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	defer open()
	start := make(chan struct{})
	chans := make([]<-chan reply, 8)
	var ready sync.WaitGroup
	for i := range chans {
		ready.Add(1)
		c := make(chan reply, 1)
		chans[i] = c
		go func() {
			ready.Done()
			<-start // the barrier: all 8 go at once
			// Nothing of the body is sent before the gate opens: a
			// refused connection closed with bytes unread could be
			// reset before its client reads the answer.
			c <- <-s.putAsync(objPath(dev, "packs", fmt.Sprintf("p%d", i)), token, &gatedBody{size: size, gate: gate}, size)
		}()
	}
	ready.Wait()
	close(start)

	refused, pending := waitReplies(t, chans, 7)
	for _, r := range refused {
		expect(t, r, 507, "quota")
	}
	if got := s.data.Vault.Reserved("ana"); got != size {
		t.Errorf("reserved while one upload is held back: %d bytes, want %d", got, size)
	}
	if got := s.stagedBytes(); got > size {
		t.Errorf("staged while one upload is held back: %d bytes, want at most %d", got, size)
	}
	t.Logf("with one upload held back: %d bytes reserved, %d bytes staged", s.data.Vault.Reserved("ana"), s.stagedBytes())

	open()
	last, _ := waitReplies(t, pending, 1)
	expect(t, last[0], 201, "")
	if got := s.data.Vault.Reserved("ana"); got != 0 {
		t.Errorf("reserved after the uploads: %d bytes", got)
	}
	if u, _ := s.data.Records.User(t.Context(), "ana"); u.Used != size {
		t.Errorf("used %d, want %d", u.Used, size)
	}
	// The room freed by a refusal or a finished upload is there again.
	expect(t, s.do("PUT", objPath(dev, "packs", "small"), token, make([]byte, left-size)), 201, "")
}

// TestUploadsInFlightAreBounded: beyond MaxUploads uploads of one user in
// flight, another waits for a slot and goes on when one is free, or is
// refused with 429 "busy" when none frees in time; another user is not held
// up.
func TestUploadsInFlightAreBounded(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.MaxUploads = 2 })
	s.addUser("ana", records.User{})
	s.addUser("bob", records.User{})
	token, dev := s.signin("ana", "laptop")
	bobToken, bobDev := s.signin("bob", "laptop")
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	defer open()
	held := []<-chan reply{
		s.putAsync(objPath(dev, "packs", "p1"), token, &gatedBody{size: 4 << 20, head: 1 << 10, gate: gate}, 4<<20),
		s.putAsync(objPath(dev, "packs", "p2"), token, &gatedBody{size: 4 << 20, head: 1 << 10, gate: gate}, 4<<20),
	}
	deadline := time.Now().Add(time.Minute)
	for s.data.Vault.Reserved("ana") != 8<<20 { // both are in flight
		if time.Now().After(deadline) {
			t.Fatalf("the two uploads did not start: %d bytes reserved", s.data.Vault.Reserved("ana"))
		}
		time.Sleep(5 * time.Millisecond)
	}
	third := s.putAsync(objPath(dev, "packs", "p3"), token, strings.NewReader("x"), 1)
	expect(t, s.do("PUT", objPath(bobDev, "packs", "p1"), bobToken, "x"), 201, "")
	select {
	case r := <-third:
		t.Fatalf("a third upload went through while two were in flight: %d %s", r.StatusCode, r.body)
	default:
	}
	open()
	for _, c := range append(held, third) {
		expect(t, <-c, 201, "")
	}

	// When no slot frees while it waits, the upload is refused.
	s2 := newTestServer(t, func(o *Options) { o.MaxUploads, o.uploadWait = 1, 50*time.Millisecond })
	s2.addUser("ana", records.User{})
	token, dev = s2.signin("ana", "laptop")
	gate2 := make(chan struct{})
	defer close(gate2)
	go s2.putAsync(objPath(dev, "packs", "p1"), token, &gatedBody{size: 1 << 20, head: 1 << 10, gate: gate2}, 1<<20)
	for s2.data.Vault.Reserved("ana") != 1<<20 {
		if time.Now().After(deadline) {
			t.Fatal("the upload did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r := s2.do("PUT", objPath(dev, "packs", "p2"), token, "x")
	expect(t, r, 429, "busy")
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}
