package service

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// fakeClock is a clock whose timers fire at once and move it on: the
// service's loop runs hours of its time in a moment of the test's. At end
// it stops: a timer that would go past it never fires, so the loop waits
// there and the test reads a state that no longer moves.
type fakeClock struct {
	mu      sync.Mutex
	t, end  time.Time
	stopped bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.Add(d).After(c.end) {
		c.stopped = true
		return nil // never fires
	}
	c.t = c.t.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

// atEnd says whether the service's loop reached the end of the clock.
func (c *fakeClock) atEnd() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopped
}

// countedServer is a real cairn-server on 127.0.0.1 that counts the
// requests it gets.
func countedServer(t *testing.T) (url, fp string, requests *atomic.Int64) {
	requests = new(atomic.Int64)
	url, fp = cairntest.Server(t, cairntest.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			h.ServeHTTP(w, r)
		})
	}})
	return url, fp, requests
}

// serverDevice is a device backing a folder up to the server.
func serverDevice(t *testing.T, url, fp string) *device.Device {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}, "b/c.txt": {Data: "c"}})
	d, err := device.Open(filepath.Join(dir, "home"), device.Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	pw := func(string, bool) ([]byte, error) { return []byte("archive password"), nil }
	_, err = d.AddServerDestination(context.Background(), device.ServerSignIn{Name: "work", URL: url, User: "ana",
		Device: "Old laptop", Fingerprint: fp,
		Password: func() ([]byte, error) { return []byte(cairntest.AccountPassword), nil }}, pw, crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddFiles(src); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Backup(context.Background(), "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d
}

// A computer that another one replaced goes quiet: the server's refusal
// stops its work at once, it says what happened, and an hour of the
// service's time (at the old code's pace, thousands of refused requests)
// sends the server at most a handful.
func TestAReplacedComputerStopsAndSaysSo(t *testing.T) {
	url, fp, requests := countedServer(t)
	d := serverDevice(t, url, fp)
	id := d.Config().Destinations[0].DeviceID
	if _, err := remote.Adopt(context.Background(), url, fp, "ana", cairntest.AccountPassword, id, "New laptop", "linux"); err != nil {
		t.Fatal(err)
	}
	requests.Store(0)
	start := time.Date(2026, 12, 6, 14, 0, 0, 0, time.Local)
	clk := &fakeClock{t: start, end: start.Add(time.Hour)}
	s := NewWithOptions(d, Options{NoWatch: true, Presence: present(time.Hour), Battery: noBattery,
		Now: clk.Now, After: clk.After})
	serve(t, s)
	eventually(t, "an hour of the service's time", clk.atEnd)
	t.Logf("%d requests in an hour", requests.Load())
	if n := requests.Load(); n > 5 {
		t.Fatalf("the replaced computer sent %d requests in an hour", n)
	}
	st := s.State()
	so := st.SignedOut[0]
	if st.Phase != Attention || so.Destination != "work" || !so.Replaced || so.ReplacedBy != "New laptop" || so.At.IsZero() {
		t.Fatalf("state %v, signed out %+v", st.Phase, so)
	}
	// The status the home screen reads says so too, without asking the server.
	before := requests.Load()
	ds := d.Status(context.Background()).Destinations[0]
	if got, ok := device.SignedOut(ds.Err); ds.Reachable || !ok || got.ReplacedBy != "New laptop" {
		t.Fatalf("status: reachable %v, %v", ds.Reachable, ds.Err)
	}
	if requests.Load() != before {
		t.Fatal("reading the status asked the server again")
	}
}

// A pass that fails is retried after waits that double, not at once: in
// two hours of the service's time a destination that cannot be used gets
// a few dozen passes at most, not one every turn of the loop.
func TestFailedPassesBackOff(t *testing.T) {
	d, src := newDevice(t)
	if err := d.AddFiles(src); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 6, 14, 0, 0, 0, time.Local)
	clk := &fakeClock{t: start, end: start.Add(2 * time.Hour)}
	s := NewWithOptions(d, Options{NoWatch: true, Presence: present(time.Hour), Battery: noBattery,
		Now: clk.Now, After: clk.After})
	dest := d.Config().Destinations[0].Path
	if err := os.RemoveAll(dest); err != nil {
		t.Fatal(err)
	}
	serve(t, s)
	eventually(t, "two hours of the service's time", clk.atEnd)
	st := s.State()
	if st.Phase == Idle || st.RetryAt.IsZero() {
		t.Fatalf("the destination is gone, yet the state is %v (retry at %v)", st.Phase, st.RetryAt)
	}
	// Waits of 1–2 s, 2–4 s, … up to 7.5–15 min: from 17 to 25 passes.
	t.Logf("%d passes in two hours", st.Passes)
	if n := st.Passes; n < 10 || n > 30 {
		t.Fatalf("%d passes in two hours", n)
	}
}
