package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// clock is a settable server clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// syncBuffer is a log that tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testServer is the real handler over a real data folder, on an httptest
// TLS server on 127.0.0.1.
type testServer struct {
	t      testing.TB
	srv    *Server
	ts     *httptest.Server
	data   *Data
	clock  *clock
	log    *syncBuffer
	sleeps atomic.Int32 // failed sign-ins slowed
	opts   Options
}

func newTestServer(t testing.TB, mod ...func(*Options)) *testServer {
	t.Helper()
	c := newClock()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	data, err := openTestData(t, c.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	s := &testServer{t: t, data: data, clock: c, log: logs}
	s.opts = Options{Vault: data.Vault, Logger: logger, Now: c.Now, HashParams: passhash.Test,
		Sleep: func(context.Context, time.Duration) { s.sleeps.Add(1) }}
	for _, m := range mod {
		m(&s.opts)
	}
	s.srv, err = New(s.opts)
	if err != nil {
		t.Fatal(err)
	}
	s.ts = httptest.NewUnstartedServer(s.srv.Handler())
	hs := s.srv.HTTPServer(tls.Certificate{})
	s.ts.Config.ReadHeaderTimeout, s.ts.Config.IdleTimeout, s.ts.Config.MaxHeaderBytes = hs.ReadHeaderTimeout, hs.IdleTimeout, hs.MaxHeaderBytes
	s.ts.EnableHTTP2 = true
	s.ts.StartTLS()
	t.Cleanup(s.ts.Close)
	return s
}

// addUser makes an account with the password "pw-<name>".
func (s *testServer) addUser(name string, u records.User) records.User {
	s.t.Helper()
	h, err := passhash.Hash([]byte("pw-"+name), passhash.Test)
	if err != nil {
		s.t.Fatal(err)
	}
	u.Name, u.PasswordHash, u.Created = name, h, s.clock.Now()
	u, err = s.data.Records.AddUser(s.t.Context(), u)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// reply is an answer, read whole.
type reply struct {
	*http.Response
	body []byte
}

func (r reply) code() string {
	var e struct{ Code string }
	json.Unmarshal(r.body, &e)
	return e.Code
}

// do sends a request; body is a string, []byte, io.Reader or a value sent
// as JSON.
func (s *testServer) do(method, path, token string, body any, header ...string) reply {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.ts.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp, b}
}

// signin signs user in from device and returns the token and device ID.
func (s *testServer) signin(user, device string) (token, deviceID string) {
	s.t.Helper()
	r := s.do("POST", "/api/v1/signin", "", map[string]string{"user": user, "password": "pw-" + user, "device": device, "os": "linux"})
	if r.StatusCode != 200 {
		s.t.Fatalf("sign in %s from %s: %d %s", user, device, r.StatusCode, r.body)
	}
	var out signinResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		s.t.Fatal(err)
	}
	return out.Token, out.DeviceID
}

func expect(t testing.TB, r reply, status int, code string) {
	t.Helper()
	if r.StatusCode != status || code != "" && r.code() != code {
		t.Fatalf("%s %s: got %d %s, want %d %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, r.body, status, code)
	}
}

func objPath(device, kind, name string) string {
	return "/api/v1/devices/" + device + "/" + kind + "/" + name
}

// openTestData opens a server's data: SQLite and the local disk, or with
// CAIRN_TEST_SERVER_STORES=shared (a second run in make test) a real
// PostgreSQL and a real S3-compatible server, so the whole suite runs over
// the stores of an organisation's cluster too.
func openTestData(t testing.TB, now func() time.Time, logger *slog.Logger) (*Data, error) {
	if !sharedStores() {
		return OpenData(t.Context(), t.TempDir(), now, logger)
	}
	return OpenDataWith(t.Context(), t.TempDir(), testservers.StartPostgres(t), testservers.StartS3(t), now, logger)
}

// stored reads an object from the server's blob store, whichever it is.
func (s *testServer) stored(r blobs.Ref) ([]byte, error) {
	o, err := s.data.Objects.Open(s.t.Context(), r)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	return io.ReadAll(o)
}

// sharedStores reports whether the suite runs over PostgreSQL and S3.
func sharedStores() bool { return os.Getenv("CAIRN_TEST_SERVER_STORES") == "shared" }

func TestMain(m *testing.M) {
	code := m.Run()
	testservers.StopPostgres()
	os.Exit(code)
}
