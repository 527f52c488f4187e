package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/snapshot"
)

// fakeMaker stands for Windows' shadow copies; everything else in these
// tests (protocol, limits, bookkeeping) is the service's own code.
type fakeMaker struct {
	mu      sync.Mutex
	n       int
	live    map[string]string // ID → drive
	deleted []string
	fixed   map[string]bool // drives that are local and fixed; nil: C: and D:
	fail    error
}

func (m *fakeMaker) Volume(root string) (string, error) {
	fixed := m.fixed
	if fixed == nil {
		fixed = map[string]bool{`C:\`: true, `D:\`: true}
	}
	if !fixed[root] {
		return "", fmt.Errorf("%w: %s is a network drive", snapshot.ErrBadVolume, root)
	}
	return `\\?\Volume{` + root[:1] + `}\`, nil
}

func (m *fakeMaker) Create(ctx context.Context, root string) (snapshot.Shadow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return snapshot.Shadow{}, m.fail
	}
	m.n++
	id := fmt.Sprintf("{00000000-0000-0000-0000-%012d}", m.n)
	if m.live == nil {
		m.live = map[string]string{}
	}
	m.live[id] = root
	return snapshot.Shadow{ID: id, Device: fmt.Sprintf(`\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%d`, m.n)}, nil
}

func (m *fakeMaker) Delete(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	delete(m.live, id)
	m.deleted = append(m.deleted, id)
	return nil
}

func (m *fakeMaker) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.live)
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type rig struct {
	t      *testing.T
	maker  *fakeMaker
	ledger fileLedger
	clock  *clock
	srv    *Server
	wg     sync.WaitGroup
	mu     sync.Mutex
	done   map[*snapshot.Conn]chan struct{} // closed when the server is done with it
}

func newRig(t *testing.T, lim Limits) *rig {
	t.Helper()
	r := &rig{t: t, maker: &fakeMaker{}, ledger: fileLedger{filepath.Join(t.TempDir(), "snapshots.json")},
		clock: &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}}
	r.srv = NewServer(r.maker, r.ledger, lim, r.clock.now, t.Logf)
	r.done = map[*snapshot.Conn]chan struct{}{}
	t.Cleanup(func() { // before the temporary folder goes
		r.mu.Lock()
		conns := r.done
		r.mu.Unlock()
		for c := range conns {
			c.Close()
		}
		r.wg.Wait()
	})
	return r
}

// connect is a client of user, served over an in-process pipe.
func (r *rig) connect(user string) *snapshot.Conn {
	client, server := net.Pipe()
	c, done := snapshot.NewConn(client), make(chan struct{})
	r.mu.Lock()
	r.done[c] = done
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer close(done)
		r.srv.Serve(context.Background(), server, func() (string, error) { return user, nil })
		server.Close()
	}()
	return c
}

// hangUp closes c and waits until the server is done with it.
func (r *rig) hangUp(c *snapshot.Conn) {
	c.Close()
	r.mu.Lock()
	done := r.done[c]
	r.mu.Unlock()
	<-done
}

func (r *rig) ledgerIDs() []string {
	ids, err := r.ledger.Load()
	if err != nil {
		r.t.Fatal(err)
	}
	sort.Strings(ids)
	return ids
}

var bg = context.Background()

func TestSnapshotAndRelease(t *testing.T) {
	r := newRig(t, Limits{})
	c := r.connect("S-1-5-21-1-1001")
	sh, err := c.Snapshot(bg, `c:\`)
	if err != nil {
		t.Fatal(err)
	}
	if !snapshot.ValidID(sh.ID) || !snapshot.ValidDevice(sh.Device) || sh.Volume != `\\?\Volume{C}\` {
		t.Fatalf("answered %+v", sh)
	}
	if ids := r.ledgerIDs(); len(ids) != 1 || ids[0] != sh.ID {
		t.Errorf("ledger %q, want the new one", ids)
	}
	if err := c.Release(bg, sh.ID); err != nil {
		t.Fatal(err)
	}
	if r.maker.count() != 0 || len(r.ledgerIDs()) != 0 {
		t.Errorf("after release: %d live, ledger %q", r.maker.count(), r.ledgerIDs())
	}
}

func TestOnlyFixedDriveRootsReachWindows(t *testing.T) {
	r := newRig(t, Limits{PerHour: 100})
	c := r.connect("S-1-5-21-1-1001")
	for _, v := range []string{`C:\Users`, `C:`, `\\server\share\`, `\\?\C:\`, `C:\'; Remove-Item -Recurse C:\ #`,
		`$(Stop-Computer)`, "C:\\\n", `Z:\`, ``, `\\?\GLOBALROOT\Device\HarddiskVolume1\`} {
		if _, err := c.Snapshot(bg, v); !errors.Is(err, snapshot.ErrBadVolume) {
			t.Errorf("Snapshot(%q) = %v, want ErrBadVolume", v, err)
		}
	}
	if r.maker.n != 0 {
		t.Errorf("%d shadow copies made", r.maker.n)
	}
}

func TestOneSnapshotPerPersonAndAFewInAll(t *testing.T) {
	r := newRig(t, Limits{PerUser: 1, Total: 2})
	ana := r.connect("S-1-5-21-1-1001")
	if _, err := ana.Snapshot(bg, `C:\`); err != nil {
		t.Fatal(err)
	}
	if _, err := ana.Snapshot(bg, `D:\`); !errors.Is(err, snapshot.ErrLimit) {
		t.Errorf("a second of ana's: %v, want ErrLimit", err)
	}
	if _, err := r.connect("S-1-5-21-1-1001").Snapshot(bg, `D:\`); !errors.Is(err, snapshot.ErrLimit) {
		t.Errorf("ana's second Cairn: %v, want ErrLimit", err)
	}
	if _, err := r.connect("S-1-5-21-1-1002").Snapshot(bg, `C:\`); err != nil {
		t.Errorf("ben's: %v", err)
	}
	if _, err := r.connect("S-1-5-21-1-1003").Snapshot(bg, `C:\`); !errors.Is(err, snapshot.ErrLimit) {
		t.Errorf("a third person's while two are live: %v, want ErrLimit", err)
	}
	if r.maker.count() != 2 {
		t.Errorf("%d live, want 2", r.maker.count())
	}
}

func TestCreationsAreRateLimitedPerPerson(t *testing.T) {
	r := newRig(t, Limits{PerHour: 3})
	c := r.connect("S-1-5-21-1-1001")
	for i := range 3 {
		sh, err := c.Snapshot(bg, `C:\`)
		if err != nil {
			t.Fatalf("snapshot %d: %v", i+1, err)
		}
		c.Release(bg, sh.ID)
		r.clock.add(time.Minute)
	}
	if _, err := c.Snapshot(bg, `C:\`); !errors.Is(err, snapshot.ErrRate) {
		t.Fatalf("a fourth within the hour: %v, want ErrRate", err)
	}
	if _, err := r.connect("S-1-5-21-1-1002").Snapshot(bg, `C:\`); err != nil {
		t.Errorf("another person is not limited by ana's: %v", err)
	}
	r.clock.add(58 * time.Minute)
	if _, err := c.Snapshot(bg, `C:\`); err != nil {
		t.Errorf("an hour after the first: %v", err)
	}
}

func TestFailedCreationsCountButHoldNoSlot(t *testing.T) {
	r := newRig(t, Limits{PerHour: 2})
	r.maker.fail = errors.New("VSS_E_INSUFFICIENT_STORAGE")
	c := r.connect("S-1-5-21-1-1001")
	if _, err := c.Snapshot(bg, `C:\`); !errors.Is(err, snapshot.ErrFailed) {
		t.Fatalf("%v, want ErrFailed", err)
	}
	r.maker.fail = nil
	if _, err := c.Snapshot(bg, `C:\`); err != nil {
		t.Fatalf("after a failure the slot is free: %v", err)
	}
}

func TestHangingUpDeletesTheConnectionsSnapshots(t *testing.T) {
	r := newRig(t, Limits{})
	ana, ben := r.connect("S-1-5-21-1-1001"), r.connect("S-1-5-21-1-1002")
	if _, err := ana.Snapshot(bg, `C:\`); err != nil {
		t.Fatal(err)
	}
	bens, err := ben.Snapshot(bg, `C:\`)
	if err != nil {
		t.Fatal(err)
	}
	r.hangUp(ana)
	if r.maker.count() != 1 || r.maker.live[bens.ID] == "" {
		t.Errorf("live %v, want only ben's", r.maker.live)
	}
	if ids := r.ledgerIDs(); len(ids) != 1 || ids[0] != bens.ID {
		t.Errorf("ledger %q, want ben's", ids)
	}
}

func TestNobodyReleasesAnothersSnapshot(t *testing.T) {
	r := newRig(t, Limits{})
	ana := r.connect("S-1-5-21-1-1001")
	sh, err := ana.Snapshot(bg, `C:\`)
	if err != nil {
		t.Fatal(err)
	}
	for who, c := range map[string]*snapshot.Conn{"ben": r.connect("S-1-5-21-1-1002"), "ana's other connection": r.connect("S-1-5-21-1-1001")} {
		if err := c.Release(bg, sh.ID); !errors.Is(err, snapshot.ErrUnknown) {
			t.Errorf("%s released ana's: %v", who, err)
		}
	}
	if err := ana.Release(bg, "{11111111-1111-1111-1111-111111111111}"); !errors.Is(err, snapshot.ErrUnknown) {
		t.Errorf("release of an ID the service never made: %v", err)
	}
	if r.maker.count() != 1 || len(r.maker.deleted) != 0 {
		t.Errorf("live %d, deleted %q", r.maker.count(), r.maker.deleted)
	}
}

func TestSnapshotsExpire(t *testing.T) {
	r := newRig(t, Limits{MaxAge: 2 * time.Hour})
	c := r.connect("S-1-5-21-1-1001")
	if _, err := c.Snapshot(bg, `C:\`); err != nil {
		t.Fatal(err)
	}
	r.clock.add(time.Hour)
	r.srv.Expire()
	if r.maker.count() != 1 {
		t.Fatal("deleted before its time")
	}
	r.clock.add(time.Hour)
	r.srv.Expire()
	if r.maker.count() != 0 || len(r.ledgerIDs()) != 0 {
		t.Fatal("not deleted after two hours")
	}
	if _, err := c.Snapshot(bg, `C:\`); err != nil {
		t.Errorf("a new one after expiry: %v", err)
	}
}

func TestRecoverDeletesWhatTheLastRunLeft(t *testing.T) {
	r := newRig(t, Limits{})
	left := []string{"{00000000-0000-0000-0000-000000000007}", "C:\\ & format", "{00000000-0000-0000-0000-000000000008}"}
	if err := r.ledger.Save(left); err != nil {
		t.Fatal(err)
	}
	r.srv.Recover(bg)
	sort.Strings(r.maker.deleted)
	if strings.Join(r.maker.deleted, " ") != left[0]+" "+left[2] {
		t.Errorf("deleted %q, want the two valid IDs only", r.maker.deleted)
	}
	if ids := r.ledgerIDs(); len(ids) != 0 {
		t.Errorf("ledger %q, want empty", ids)
	}
}

func TestRecoverKeepsWhatItCouldNotDelete(t *testing.T) {
	r := newRig(t, Limits{})
	id := "{00000000-0000-0000-0000-000000000007}"
	r.ledger.Save([]string{id})
	r.maker.fail = errors.New("busy")
	r.srv.Recover(bg)
	if ids := r.ledgerIDs(); len(ids) != 1 {
		t.Fatalf("ledger %q, want it kept", ids)
	}
	r.maker.fail = nil
	r.srv.Expire() // retried at once
	if ids := r.ledgerIDs(); len(ids) != 0 || len(r.maker.deleted) != 1 {
		t.Errorf("ledger %q, deleted %q after the retry", ids, r.maker.deleted)
	}
}

func TestConnectionsAreBounded(t *testing.T) {
	r := newRig(t, Limits{ConnsPerUser: 2, Conns: 3})
	held := []*snapshot.Conn{r.connect("S-1-5-21-1-1001"), r.connect("S-1-5-21-1-1001")}
	for _, c := range held {
		if _, err := c.Snapshot(bg, `Q:\`); !errors.Is(err, snapshot.ErrBadVolume) { // served
			t.Fatalf("%v", err)
		}
	}
	third := r.connect("S-1-5-21-1-1001")
	if _, err := third.Snapshot(bg, `C:\`); !errors.Is(err, snapshot.ErrLimit) {
		t.Errorf("ana's third connection: %v, want ErrLimit", err)
	}
	r.hangUp(third)
	ben := r.connect("S-1-5-21-1-1002")
	if _, err := ben.Snapshot(bg, `C:\`); err != nil {
		t.Errorf("ben: %v", err)
	}
	if _, err := r.connect("S-1-5-21-1-1003").Snapshot(bg, `C:\`); !errors.Is(err, snapshot.ErrLimit) {
		t.Errorf("a fourth connection: %v, want ErrLimit", err)
	}
}

func TestWrongVersionAndGarbageAreRefused(t *testing.T) {
	r := newRig(t, Limits{})
	client, server := net.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- r.srv.Serve(bg, server, func() (string, error) { return "S-1-5-21-1-1001", nil })
		server.Close()
	}()
	snapshot.Write(client, snapshot.Request{Version: 99, Op: snapshot.OpSnapshot, Volume: `C:\`})
	var resp snapshot.Response
	if err := snapshot.Read(client, &resp); err != nil || snapshot.ErrorOf(resp.Code, "") != snapshot.ErrBadRequest {
		t.Fatalf("version 99: %+v, %v", resp, err)
	}
	client.Write([]byte{0, 0, 0, 3, '{', '{', '{'})
	if err := snapshot.Read(client, &resp); err != nil || resp.Code != snapshot.Code(snapshot.ErrBadRequest) {
		t.Fatalf("garbage: %+v, %v", resp, err)
	}
	if err := <-done; !errors.Is(err, snapshot.ErrBadRequest) {
		t.Errorf("Serve = %v, want it to hang up on garbage", err)
	}
	client.Close()
}

func TestACallerNobodyVouchesForIsRefused(t *testing.T) {
	r := newRig(t, Limits{})
	client, server := net.Pipe()
	go func() {
		r.srv.Serve(bg, server, func() (string, error) { return "", errors.New("anonymous") })
		server.Close()
	}()
	c := snapshot.NewConn(client)
	defer c.Close()
	if _, err := c.Snapshot(bg, `C:\`); !errors.Is(err, snapshot.ErrBadRequest) {
		t.Fatalf("Snapshot = %v, want ErrBadRequest", err)
	}
	if r.maker.n != 0 {
		t.Error("a shadow copy was made")
	}
}
