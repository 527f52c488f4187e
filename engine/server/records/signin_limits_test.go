package records

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// The sign-in limits and the audit log's caps, on every database.
func TestSigninLimits(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				test func(t *testing.T, s *SQL, spec string)
			}{
				{"ReserveTwoNodes", testReserveSigninTwoNodes},
				{"ReserveWaitAndRelease", testReserveSigninWaitAndRelease},
				{"KnownAddresses", testSigninKnownAddrs},
				{"AuditCapped", testAuditCapped},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s, spec := b.open(t)
					tc.test(t, s, spec)
				})
			}
		})
	}
}

// Attempts arriving at once on two nodes: no more are let through than the
// limit, whatever the interleaving.
func testReserveSigninTwoNodes(t *testing.T, s1 *SQL, spec string) {
	s2 := openAgain(t, spec)
	limits := []SigninLimit{{"user:ana", 5, 15 * time.Minute}, {"addr:10.0.0.1", 5, 15 * time.Minute}}
	const tries = 30
	var wg sync.WaitGroup
	var reserved, refused atomic.Int32
	start := make(chan struct{})
	for i := range tries {
		s := []*SQL{s1, s2}[i%2]
		wg.Go(func() {
			<-start
			res, err := s.ReserveSignin(t.Context(), t0, limits)
			switch {
			case err != nil:
				t.Error(err)
			case res.Attempt != 0 && res.Wait == 0:
				reserved.Add(1)
			case res.Attempt == 0 && res.Wait > 0:
				refused.Add(1)
			default:
				t.Errorf("reservation %+v", res)
			}
		})
	}
	close(start)
	wg.Wait()
	if reserved.Load() != 5 || refused.Load() != tries-5 {
		t.Fatalf("%d reserved, %d refused; want 5 and %d", reserved.Load(), refused.Load(), tries-5)
	}
}

func testReserveSigninWaitAndRelease(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	limits := []SigninLimit{{"addr:a", 3, 10 * time.Minute}, {"user:ana", 2, time.Hour}, {"user:ana@a", 0, 0}}
	var last SigninReservation
	for i := range 2 {
		res, err := s.ReserveSignin(ctx, t0.Add(time.Duration(i)*time.Minute), limits)
		if err != nil || res.Attempt == 0 || res.Limit != -1 {
			t.Fatalf("attempt %d: %+v %v", i, res, err)
		}
		last = res
	}
	// user:ana has 2 in the hour: wait until the first is an hour old.
	res, err := s.ReserveSignin(ctx, t0.Add(2*time.Minute), limits)
	if err != nil || res.Attempt != 0 || res.Limit != 1 || res.Wait != 58*time.Minute {
		t.Fatalf("over the limit: %+v %v", res, err)
	}
	// A success takes its attempt back, under every key.
	if err := s.ReleaseSignin(ctx, last.Attempt); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{"addr:a": 1, "user:ana": 1, "user:ana@a": 1} {
		if got, _ := s.SigninFailures(ctx, key, time.Time{}); len(got) != want {
			t.Errorf("%s: %d failures, want %d", key, len(got), want)
		}
	}
	if res, _ := s.ReserveSignin(ctx, t0.Add(2*time.Minute), limits); res.Attempt == 0 {
		t.Fatalf("after the release: %+v", res)
	}
	// Purging forgets old failures and the keys' lock rows.
	if err := s.ForgetSigninFailures(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM signin_failures) + (SELECT COUNT(*) FROM signin_keys)`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows left after purging", n)
	}
}

func testSigninKnownAddrs(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	if err := s.RememberSigninAddr(ctx, "ana", "10.0.0.1", t0); err != nil {
		t.Fatal(err)
	}
	s.RememberSigninAddr(ctx, "ana", "10.0.0.1", t0.Add(time.Hour)) // again, later
	for _, tc := range []struct {
		user, addr string
		since      time.Time
		want       bool
	}{
		{"ana", "10.0.0.1", t0, true},
		{"ana", "10.0.0.1", t0.Add(2 * time.Hour), false},
		{"ana", "10.0.0.2", t0.Add(-time.Hour), false},
		{"bob", "10.0.0.1", t0.Add(-time.Hour), false},
	} {
		if got, err := s.SignedInFrom(ctx, tc.user, tc.addr, tc.since); got != tc.want || err != nil {
			t.Errorf("%s from %s since %v: %v %v", tc.user, tc.addr, tc.since, got, err)
		}
	}
	s.ForgetSigninAddrs(ctx, t0.Add(2*time.Hour))
	if ok, _ := s.SignedInFrom(ctx, "ana", "10.0.0.1", time.Time{}); ok {
		t.Fatal("an old address was not forgotten")
	}
}

// What strangers send is stored cut short; repeats within a window share a
// row; old entries are forgotten.
func testAuditCapped(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	huge := strings.Repeat("é", 30_000)
	for i := range 50 {
		e := AuditEntry{At: t0.Add(time.Duration(i) * time.Second), Actor: huge, Action: "signin.refused",
			Detail: huge, Addr: "10.0.0.1"}
		if err := s.AddAuditCounted(ctx, e, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	s.AddAuditCounted(ctx, AuditEntry{At: t0.Add(time.Hour), Actor: "x", Action: "signin.refused", Addr: "10.0.0.1"}, time.Hour)
	s.AddAudit(ctx, AuditEntry{At: t0.Add(48 * time.Hour), Actor: huge, Action: "download"})
	es, err := s.Audit(ctx, 0, 10)
	if err != nil || len(es) != 3 {
		t.Fatalf("%d entries %v", len(es), err)
	}
	first := es[2]
	if first.Times != 50 || !first.At.Equal(t0) || es[1].Times != 1 || es[0].Times != 1 {
		t.Fatalf("counted %d from %v, then %d and %d", first.Times, first.At, es[1].Times, es[0].Times)
	}
	for _, v := range []string{first.Actor, first.Detail, es[0].Actor} {
		if len(v) > auditLong || !utf8.ValidString(v) || !strings.HasSuffix(v, auditCut) {
			t.Fatalf("stored %d bytes: %.40q…", len(v), v)
		}
	}
	if n, err := s.ForgetAudit(ctx, t0.Add(24*time.Hour)); n != 2 || err != nil {
		t.Fatalf("forgot %d %v", n, err)
	}
	if es, _ := s.Audit(ctx, 0, 10); len(es) != 1 || es[0].Action != "download" {
		t.Fatalf("left %+v", es)
	}
}
