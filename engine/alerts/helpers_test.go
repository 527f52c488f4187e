package alerts

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// t0 is when every scenario starts.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// shown is an alert as a scenario sees it: when, and which.
type shown struct {
	At  time.Duration // since t0
	Key string
}

func (s shown) String() string { return fmt.Sprintf("%v %s", s.At, s.Key) }

// world is what the service would observe at a time since t0. Running is
// true unless it says otherwise through down.
type world func(at time.Duration) Observation

// replay observes w every step from from (included) to to (excluded), as
// a service that runs all along, and returns what a showed.
func replay(t testing.TB, a *Alerter, w world, from, to, step time.Duration) []shown {
	t.Helper()
	var out []shown
	for at := from; at < to; at += step {
		o := w(at)
		o.Now, o.Running = t0.Add(at), true
		for _, al := range a.Observe(o) {
			out = append(out, shown{at, al.Key})
		}
	}
	return out
}

// newAlerter is an Alerter with the default policy, its memory in a
// temporary file (returned, for a restart).
func newAlerter(t testing.TB) (*Alerter, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alerts.json")
	a, err := New(Policy{}, path)
	if err != nil {
		t.Fatal(err)
	}
	return a, path
}

// restart is a new Alerter over the memory an earlier one saved at path.
func restart(t testing.TB, path string) *Alerter {
	t.Helper()
	a, err := New(Policy{}, path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// h is hours, d days, for tables that read like a calendar.
func h(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }
func d(n float64) time.Duration { return h(24 * n) }

// at is a time since t0.
func at(off time.Duration) time.Time { return t0.Add(off) }

// assertAtMostOnePer checks that no window of length w holds more than
// max of got.
func assertAtMostPer(t testing.TB, got []shown, max int, w time.Duration) {
	t.Helper()
	for i := range got {
		n := 0
		for _, s := range got[i:] {
			if s.At-got[i].At < w {
				n++
			}
		}
		if n > max {
			t.Errorf("%d alerts within %v from %v: %v", n, w, got[i].At, got)
		}
	}
}
