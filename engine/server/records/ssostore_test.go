package records

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// The single sign-on broker's Store contract (ssobroker/store.go), one
// suite for every store: in memory, and in the records on each database.
// A store comes as two nodes sharing it (for the records, two handles with
// their own connections; in memory, one store twice), and with rows, which
// counts a kind's entries expired ones included (what a sweep removes).

type ssoNodes struct {
	a, b ssobroker.Store
	rows func(t *testing.T, kind ssobroker.Kind) int
}

func ssoBackends() []struct {
	name string
	open func(t *testing.T, now func() time.Time) ssoNodes
} {
	type sb = struct {
		name string
		open func(t *testing.T, now func() time.Time) ssoNodes
	}
	list := []sb{{"memory", func(t *testing.T, now func() time.Time) ssoNodes {
		m := ssobroker.NewMemStore(now)
		return ssoNodes{m, m, func(_ *testing.T, kind ssobroker.Kind) int { return m.Len(kind) }}
	}}}
	for _, b := range backends {
		list = append(list, sb{b.name, func(t *testing.T, now func() time.Time) ssoNodes {
			s, spec := b.open(t)
			rows := func(t *testing.T, kind ssobroker.Kind) int {
				t.Helper()
				var n int
				if err := s.queryRow(t.Context(), `SELECT COUNT(*) FROM sso_entries WHERE kind = ?`, string(kind)).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			return ssoNodes{NewSSOStore(s, now), NewSSOStore(openAgain(t, spec), now), rows}
		}})
	}
	return list
}

var ssoSuite = []struct {
	name string
	test func(t *testing.T, n ssoNodes, c *ssoClock)
}{
	{"PutFindTakeUpdate", testSSOBasics},
	{"LimitsAndNames", testSSOLimits},
	{"Expiry", testSSOExpiry},
	{"KindsApart", testSSOKinds},
	{"ParallelPutsKeepTheLimit", testSSOParallelPuts},
	{"ParallelTakesOneWins", testSSOParallelTakes},
	{"ParallelUpdatesTakeTurns", testSSOParallelUpdates},
}

func TestSSOStore(t *testing.T) {
	for _, b := range ssoBackends() {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range ssoSuite {
				t.Run(tc.name, func(t *testing.T) {
					c := &ssoClock{t: t0}
					tc.test(t, b.open(t, c.Now), c)
				})
			}
		})
	}
}

// ssoClock is a clock the test moves.
type ssoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ssoClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *ssoClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const kindTest ssobroker.Kind = "test-kind" // a kind the broker does not name

func entry(c *ssoClock, kind ssobroker.Kind, key, index, addr string) ssobroker.Entry {
	return ssobroker.Entry{Kind: kind, Key: key, Index: index, Addr: addr,
		Expires: c.Now().Add(time.Minute), Data: []byte(`"` + key + `"`)}
}

func mustPut(t *testing.T, s ssobroker.Store, e ssobroker.Entry, lim ssobroker.Limit) {
	t.Helper()
	if err := s.Put(t.Context(), e, lim); err != nil {
		t.Fatalf("put %s: %v", e.Key, err)
	}
}

// Put, Find, Take and Update, from either node; data stays the bytes it was.
func testSSOBasics(t *testing.T, n ssoNodes, c *ssoClock) {
	ctx := t.Context()
	raw := []byte{0, 0xff, 0xfe, '"', '\\', 0x80, 'x'} // not JSON, not UTF-8
	e := entry(c, ssobroker.KindDevice, "k1", "ABCDEFGH", "10.0.0.1")
	e.Data = raw
	mustPut(t, n.a, e, ssobroker.Limit{})
	got, err := n.b.Find(ctx, ssobroker.KindDevice, "ABCDEFGH")
	if err != nil || got.Key != "k1" || got.Index != "ABCDEFGH" || got.Addr != "10.0.0.1" || got.Kind != ssobroker.KindDevice ||
		!bytes.Equal(got.Data, raw) || !got.Expires.Equal(e.Expires) {
		t.Fatalf("find on the other node: %+v %v", got, err)
	}
	if _, err := n.b.Find(ctx, ssobroker.KindDevice, ""); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("find by no index: %v", err)
	}
	if _, err := n.b.Find(ctx, ssobroker.KindDevice, "NOPE"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("find an unknown index: %v", err)
	}
	later := c.Now().Add(5 * time.Minute)
	if err := n.b.Update(ctx, ssobroker.KindDevice, "k1", func(e *ssobroker.Entry) bool {
		e.Data, e.Expires, e.Index, e.Addr = []byte(`"changed"`), later, "OTHER", "10.9.9.9"
		return true
	}); err != nil {
		t.Fatal(err)
	}
	got, err = n.a.Find(ctx, ssobroker.KindDevice, "ABCDEFGH")
	if err != nil || string(got.Data) != `"changed"` || !got.Expires.Equal(later) || got.Addr != "10.0.0.1" {
		t.Errorf("after update (data and expiry change, index and address stay): %+v %v", got, err)
	}
	if err := n.a.Update(ctx, ssobroker.KindDevice, "nope", func(*ssobroker.Entry) bool { return true }); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("update an unknown key: %v", err)
	}
	if err := n.a.Update(ctx, ssobroker.KindDevice, "k1", func(*ssobroker.Entry) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if _, err := n.b.Take(ctx, ssobroker.KindDevice, "k1"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("after an update that deletes: %v", err)
	}
	mustPut(t, n.a, entry(c, ssobroker.KindGrant, "g1", "", "10.0.0.1"), ssobroker.Limit{})
	if g, err := n.b.Take(ctx, ssobroker.KindGrant, "g1"); err != nil || string(g.Data) != `"g1"` || g.Key != "g1" {
		t.Errorf("take on the other node: %+v %v", g, err)
	}
	if _, err := n.a.Take(ctx, ssobroker.KindGrant, "g1"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("take twice: %v", err)
	}
	e = entry(c, ssobroker.KindLogin, "l1", "", "10.0.0.1")
	e.Data = nil
	mustPut(t, n.a, e, ssobroker.Limit{})
	if l, err := n.b.Take(ctx, ssobroker.KindLogin, "l1"); err != nil || len(l.Data) != 0 {
		t.Errorf("an entry without data: %+v %v", l, err)
	}
}

// Limits count per address and in all; a key or an index is taken once.
func testSSOLimits(t *testing.T, n ssoNodes, c *ssoClock) {
	ctx := t.Context()
	lim := ssobroker.Limit{PerAddr: 2, Total: 3}
	mustPut(t, n.a, entry(c, ssobroker.KindDevice, "k1", "A", "1.1.1.1"), lim)
	mustPut(t, n.b, entry(c, ssobroker.KindDevice, "k2", "B", "1.1.1.1"), lim)
	mustPut(t, n.a, entry(c, ssobroker.KindDevice, "k3", "", "2.2.2.2"), lim)
	for _, tc := range []struct {
		what string
		e    ssobroker.Entry
		lim  ssobroker.Limit
		want error
	}{
		{"a third from one address", entry(c, ssobroker.KindDevice, "k4", "", "1.1.1.1"), ssobroker.Limit{PerAddr: 2}, ssobroker.ErrFull},
		{"a fourth in all", entry(c, ssobroker.KindDevice, "k4", "", "3.3.3.3"), lim, ssobroker.ErrFull},
		{"a key twice", entry(c, ssobroker.KindDevice, "k1", "", "3.3.3.3"), ssobroker.Limit{}, ssobroker.ErrExists},
		{"an index twice", entry(c, ssobroker.KindDevice, "k5", "A", "3.3.3.3"), ssobroker.Limit{}, ssobroker.ErrExists},
		{"a key twice, at the limit", entry(c, ssobroker.KindDevice, "k2", "", "1.1.1.1"), lim, ssobroker.ErrExists},
		{"no index twice is no clash", entry(c, ssobroker.KindDevice, "k6", "", "3.3.3.3"), ssobroker.Limit{}, nil},
	} {
		for i, s := range []ssobroker.Store{n.a, n.b} {
			if i == 1 && tc.want == nil {
				continue
			}
			if err := s.Put(ctx, tc.e, tc.lim); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("%s (node %d): %v, want %v", tc.what, i, err, tc.want)
			}
		}
	}
	if _, err := n.a.Take(ctx, ssobroker.KindDevice, "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.b.Find(ctx, ssobroker.KindDevice, "A"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("the index of a taken entry: %v", err)
	}
	// A taken entry frees its place and its index.
	mustPut(t, n.b, entry(c, ssobroker.KindDevice, "k7", "A", "1.1.1.1"), ssobroker.Limit{PerAddr: 2, Total: 4})
}

// An expired entry is as good as gone: never returned, counts against no
// limit, holds no key or index, and a later Put sweeps it out.
func testSSOExpiry(t *testing.T, n ssoNodes, c *ssoClock) {
	ctx := t.Context()
	lim := ssobroker.Limit{PerAddr: 2, Total: 3}
	for _, e := range [][3]string{{"k1", "A", "1.1.1.1"}, {"k2", "B", "1.1.1.1"}, {"k3", "C", "2.2.2.2"}} {
		e := entry(c, ssobroker.KindDevice, e[0], e[1], e[2])
		e.Expires = c.Now().Add(30 * time.Second)
		mustPut(t, n.a, e, lim)
	}
	c.Add(30 * time.Second) // Expires is exclusive: now they are gone, before any sweep is due
	if _, err := n.b.Take(ctx, ssobroker.KindDevice, "k1"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("take an expired entry: %v", err)
	}
	if _, err := n.b.Find(ctx, ssobroker.KindDevice, "B"); !errors.Is(err, ssobroker.ErrNotFound) {
		t.Errorf("find an expired entry: %v", err)
	}
	called := false
	if err := n.b.Update(ctx, ssobroker.KindDevice, "k3", func(*ssobroker.Entry) bool { called = true; return true }); !errors.Is(err, ssobroker.ErrNotFound) || called {
		t.Errorf("update an expired entry: %v (fn called: %v)", err, called)
	}
	// Their keys, indexes and places are free, on either node.
	mustPut(t, n.b, entry(c, ssobroker.KindDevice, "k2", "A", "1.1.1.1"), ssobroker.Limit{})
	mustPut(t, n.a, entry(c, ssobroker.KindDevice, "k1", "B", "1.1.1.1"), ssobroker.Limit{})
	mustPut(t, n.b, entry(c, ssobroker.KindDevice, "k4", "C", "2.2.2.2"), lim)
	if got, err := n.a.Find(ctx, ssobroker.KindDevice, "A"); err != nil || got.Key != "k2" {
		t.Errorf("an index used again: %+v %v", got, err)
	}
	if err := n.a.Put(ctx, entry(c, ssobroker.KindDevice, "k5", "", "1.1.1.1"), lim); !errors.Is(err, ssobroker.ErrFull) {
		t.Errorf("the live entries still count: %v", err)
	}
	// When those expire too, the next Put a minute after the last sweep
	// sweeps them out.
	c.Add(time.Minute)
	mustPut(t, n.a, entry(c, ssobroker.KindDevice, "k6", "", "1.1.1.1"), ssobroker.Limit{})
	mustPut(t, n.b, entry(c, ssobroker.KindDevice, "k7", "", "1.1.1.1"), ssobroker.Limit{})
	if rows := n.rows(t, ssobroker.KindDevice); rows != 2 {
		t.Errorf("%d rows after the sweep, want the 2 live ones", rows)
	}
}

// Kinds are apart: a key, an index and the limits are per kind, and a
// kind the broker did not have when the store was written is kept too.
func testSSOKinds(t *testing.T, n ssoNodes, c *ssoClock) {
	ctx := t.Context()
	lim := ssobroker.Limit{PerAddr: 1, Total: 1}
	for _, kind := range []ssobroker.Kind{ssobroker.KindLogin, ssobroker.KindGrant, ssobroker.KindDevice, kindTest} {
		e := entry(c, kind, "same-key", "SAME", "1.1.1.1")
		e.Data = []byte(kind)
		mustPut(t, n.a, e, lim)
	}
	if err := n.b.Put(ctx, entry(c, kindTest, "other", "", "2.2.2.2"), lim); !errors.Is(err, ssobroker.ErrFull) {
		t.Errorf("the new kind's own limit: %v", err)
	}
	for _, kind := range []ssobroker.Kind{kindTest, ssobroker.KindDevice} {
		if e, err := n.b.Find(ctx, kind, "SAME"); err != nil || string(e.Data) != string(kind) {
			t.Errorf("find in %s: %+v %v", kind, e, err)
		}
	}
	if e, err := n.b.Take(ctx, kindTest, "same-key"); err != nil || string(e.Data) != string(kindTest) || e.Kind != kindTest {
		t.Errorf("take in %s: %+v %v", kindTest, e, err)
	}
	if e, err := n.a.Take(ctx, ssobroker.KindGrant, "same-key"); err != nil || string(e.Data) != string(ssobroker.KindGrant) {
		t.Errorf("take in grant after the other kind's: %+v %v", e, err)
	}
}

// Puts sent at once, to both nodes, never pass a limit, and fill it.
func testSSOParallelPuts(t *testing.T, n ssoNodes, c *ssoClock) {
	const tries, addrs = 48, 4
	lim := ssobroker.Limit{PerAddr: 4, Total: 10}
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		s := []ssobroker.Store{n.a, n.b}[i%2]
		wg.Go(func() {
			<-start
			err := s.Put(t.Context(), entry(c, ssobroker.KindDevice, fmt.Sprint("k", i), fmt.Sprint("I", i),
				fmt.Sprint("10.0.0.", i%addrs)), lim)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ssobroker.ErrFull):
				full.Add(1)
			default:
				t.Errorf("put %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok.Load() != int32(lim.Total) || full.Load() != tries-int32(lim.Total) {
		t.Fatalf("%d kept, %d refused; the limit is %d in all", ok.Load(), full.Load(), lim.Total)
	}
	perAddr := map[string]int{}
	for i := range tries {
		if e, err := n.a.Find(t.Context(), ssobroker.KindDevice, fmt.Sprint("I", i)); err == nil {
			perAddr[e.Addr]++
		}
	}
	for addr, k := range perAddr {
		if k > lim.PerAddr {
			t.Errorf("%d entries from %s, the limit is %d", k, addr, lim.PerAddr)
		}
	}
}

// A grant taken by many at once, on both nodes: exactly one gets it.
func testSSOParallelTakes(t *testing.T, n ssoNodes, c *ssoClock) {
	const grants, takers = 6, 8
	for g := range grants {
		mustPut(t, n.a, entry(c, ssobroker.KindGrant, fmt.Sprint("g", g), "", "1.1.1.1"), ssobroker.Limit{})
	}
	wins := make([]atomic.Int32, grants)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range grants * takers {
		s, g := []ssobroker.Store{n.a, n.b}[i%2], i%grants
		wg.Go(func() {
			<-start
			e, err := s.Take(t.Context(), ssobroker.KindGrant, fmt.Sprint("g", g))
			switch {
			case err == nil && string(e.Data) == fmt.Sprintf(`"g%d"`, g):
				wins[g].Add(1)
			case !errors.Is(err, ssobroker.ErrNotFound):
				t.Errorf("take g%d: %+v %v", g, e, err)
			}
		})
	}
	close(start)
	wg.Wait()
	for g := range wins {
		if w := wins[g].Load(); w != 1 {
			t.Errorf("grant g%d was taken %d times", g, w)
		}
	}
}

// Updates of one entry at once, on both nodes, take turns: a counter that
// each adds one to counts every one, and an entry that the first update
// deletes is seen by that one only.
func testSSOParallelUpdates(t *testing.T, n ssoNodes, c *ssoClock) {
	const updates = 24
	e := entry(c, ssobroker.KindDevice, "counter", "", "1.1.1.1")
	e.Data = []byte("0")
	mustPut(t, n.a, e, ssobroker.Limit{})
	mustPut(t, n.a, entry(c, ssobroker.KindDevice, "once", "", "1.1.1.1"), ssobroker.Limit{})
	var used atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range updates {
		s := []ssobroker.Store{n.a, n.b}[i%2]
		wg.Go(func() {
			<-start
			err := s.Update(t.Context(), ssobroker.KindDevice, "counter", func(e *ssobroker.Entry) bool {
				var k int
				if err := json.Unmarshal(e.Data, &k); err != nil {
					t.Errorf("counter %q: %v", e.Data, err)
				}
				e.Data, _ = json.Marshal(k + 1)
				return true
			})
			if err != nil {
				t.Errorf("update %d: %v", i, err)
			}
			var mine bool
			err = s.Update(t.Context(), ssobroker.KindDevice, "once", func(*ssobroker.Entry) bool { mine = true; return false })
			if err == nil && mine {
				used.Add(1)
			} else if !errors.Is(err, ssobroker.ErrNotFound) {
				t.Errorf("use once %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	got, err := n.b.Take(context.Background(), ssobroker.KindDevice, "counter")
	if err != nil || string(got.Data) != fmt.Sprint(updates) {
		t.Errorf("counter after %d updates: %q %v", updates, got.Data, err)
	}
	if used.Load() != 1 {
		t.Errorf("an entry deleted by its first update was used %d times", used.Load())
	}
}
