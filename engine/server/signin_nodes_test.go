package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// Two server nodes on one database: 30 sign-ins sent at once, half to each,
// check no more passwords than the limit between them. The limit is counted
// in the records, not in a node's memory. Every check is held until all 30
// requests have been checked or refused (see TestSigninRaceChecksAtMostTheLimit).
func TestSigninRaceTwoNodes(t *testing.T) {
	for name, spec := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "records.db") },
		"postgres": func(t *testing.T) string { return testservers.StartPostgres(t) },
	} {
		t.Run(name, func(t *testing.T) { testSigninRaceTwoNodes(t, spec(t)) })
	}
}

func testSigninRaceTwoNodes(t *testing.T, spec string) {
	const tries = 30
	var checked atomic.Int32
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
		case <-time.After(time.Minute):
		}
	}
	nodes := []*httptest.Server{newNode(t, spec, hold), newNode(t, spec, hold)}
	addUserTo(t, spec, "ana")
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		node := nodes[i%2]
		password := fmt.Sprint("guess-", i)
		wg.Go(func() {
			<-start
			status, err := postJSON(t.Context(), node.Client(), node.URL+"/api/v1/signin", signinBody("ana", password, "laptop"))
			if err != nil || status == http.StatusTooManyRequests {
				arrived <- struct{}{}
			}
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	t.Logf("30 parallel sign-ins on two nodes: %d passwords checked; answers %v", checked.Load(), statuses)
	if n := checked.Load(); n > 5 || statuses[http.StatusTooManyRequests] < tries-5 {
		t.Fatalf("%d passwords checked, the limit is 5 (answers %v)", n, statuses)
	}
}

// newNode is a server on its own data folder with the records spec names,
// as a node of a cluster is.
func newNode(t *testing.T, spec string, hook func()) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := OpenDataWith(t.Context(), t.TempDir(), spec, "", nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	srv, err := New(Options{Vault: data.Vault, Logger: log, HashParams: passhash.Test,
		Sleep: func(context.Context, time.Duration) {}, checkHook: hook})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// addUserTo makes an account with the password "pw-<name>" in the records
// spec names.
func addUserTo(t *testing.T, spec, name string) {
	t.Helper()
	rec, err := records.Open(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	h, _ := passhash.Hash([]byte("pw-"+name), passhash.Test)
	if _, err := rec.AddUser(t.Context(), records.User{Name: name, PasswordHash: h, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
}
