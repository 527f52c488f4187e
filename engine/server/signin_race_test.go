package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// 30 sign-ins sent at once from one address, 29 wrong passwords and the
// right one: no more passwords are checked than the limit allows. Every
// password check is held at a barrier until all 30 requests have been
// checked or refused, so the test does not depend on how the requests
// interleave: code that checks the limit and records the failure apart lets
// all 30 reach the barrier.
func TestSigninRaceChecksAtMostTheLimit(t *testing.T) {
	const tries = 30
	var checked, refused atomic.Int32
	arrived := make(chan struct{}, tries)
	allIn := make(chan struct{})
	go func() {
		for range tries {
			<-arrived
		}
		close(allIn)
	}()
	hold := func() {
		checked.Add(1)
		arrived <- struct{}{}
		select {
		case <-allIn:
		case <-time.After(time.Minute): // a generous deadline, should a request be lost
		}
	}
	s := newTestServer(t, func(o *Options) { o.checkHook = hold })
	s.addUser("ana", records.User{})
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		password := fmt.Sprint("guess-", i)
		if i == tries/2 {
			password = "pw-ana"
		}
		wg.Go(func() {
			<-start
			status, err := postJSON(t.Context(), s.ts.Client(), s.ts.URL+"/api/v1/signin", signinBody("ana", password, "laptop"))
			if err != nil {
				t.Error(err)
				arrived <- struct{}{} // count it, so the others are not held until the deadline
				return
			}
			if status == http.StatusTooManyRequests {
				refused.Add(1)
				arrived <- struct{}{}
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	t.Logf("30 parallel sign-ins: %d passwords checked; answers %v", checked.Load(), statuses)
	if n := checked.Load(); n > 5 {
		t.Fatalf("%d passwords checked; the limit is 5 (answers %v)", n, statuses)
	}
	if statuses[http.StatusTooManyRequests] < tries-5 || statuses[http.StatusOK] > 1 {
		t.Fatalf("answers %v", statuses)
	}
}

// postJSON posts v and returns the status; safe to call from any goroutine.
func postJSON(ctx context.Context, c *http.Client, url string, v any, header ...string) (int, error) {
	b, _ := json.Marshal(v)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// from returns a client of the test server whose connections come from ip
// (any address of 127.0.0.0/8 is this machine's): another computer, as the
// server sees it.
func (s *testServer) from(ip string) *http.Client {
	s.t.Helper()
	tr := s.ts.Client().Transport.(*http.Transport).Clone()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 30 * time.Second}
	tr.DialContext = d.DialContext
	s.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// signinFrom signs in from a client; the status.
func (s *testServer) signinFrom(c *http.Client, user, password string, header ...string) int {
	s.t.Helper()
	status, err := postJSON(s.t.Context(), c, s.ts.URL+"/api/v1/signin", signinBody(user, password, "laptop"), header...)
	if err != nil {
		s.t.Fatal(err)
	}
	return status
}
