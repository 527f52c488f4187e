package ssobroker

import (
	"sync"
	"time"
)

// limiter counts failures (wrong user codes) in fixed windows, per address
// and in all. It lives in the process: on several nodes each counts its
// own, which multiplies the bound by the nodes and keeps guessing hopeless.
type limiter struct {
	lim    Limit
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	start  time.Time
	total  int
	byAddr map[string]int
}

func newLimiter(lim Limit, window time.Duration, now func() time.Time) *limiter {
	return &limiter{lim: lim, window: window, now: now, byAddr: map[string]int{}}
}

// maxAddrs bounds the addresses a limiter remembers in one window; past it
// every address shares the total's bound.
const maxAddrs = 100000

// blocked says whether addr may not try again in this window.
func (l *limiter) blocked(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll()
	return l.total >= l.lim.Total || l.byAddr[addr] >= l.lim.PerAddr
}

// fail counts a failure of addr.
func (l *limiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll()
	l.total++
	if _, ok := l.byAddr[addr]; ok || len(l.byAddr) < maxAddrs {
		l.byAddr[addr]++
	}
}

// roll starts a new window when the last one is over.
func (l *limiter) roll() {
	if now := l.now(); now.Sub(l.start) >= l.window {
		l.start, l.total, l.byAddr = now, 0, map[string]int{}
	}
}

// retryAfter is how long until the window ends.
func (l *limiter) retryAfter() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.start.Add(l.window).Sub(l.now())
}
