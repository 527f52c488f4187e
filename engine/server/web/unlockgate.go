package web

import (
	"context"
	"sync"
	"time"
)

// unlockGate orders archive unlocks. A person's unlocks run one at a time
// (turn), so one person takes at most one of the server's MaxUnlocking
// slots, whatever they send. And each attempt is reserved against the
// wrong-password limits before its password is checked (reserveUnlock),
// then settled: recorded as a failure, or released. Checking the limit and
// recording a failure after the check left a window in which every
// request in flight passed the check; with reservations the attempts in
// flight count as failures until they settle.
type unlockGate struct {
	mu       sync.Mutex
	inflight map[string]int      // limit key → attempts reserved, not settled
	turns    map[int64]*userTurn // by user ID
	waiting  int                 // requests waiting for their person's turn
}

// userTurn is one person's unlock slot and how many requests hold or
// wait for it (the map entry goes when none does).
type userTurn struct {
	slot chan struct{}
	refs int
}

func newUnlockGate() *unlockGate {
	return &unlockGate{inflight: map[string]int{}, turns: map[int64]*userTurn{}}
}

// turn waits until no other unlock of user is in flight; done ends it.
func (g *unlockGate) turn(ctx context.Context, user int64) (done func(), err error) {
	g.mu.Lock()
	t := g.turns[user]
	if t == nil {
		t = &userTurn{slot: make(chan struct{}, 1)}
		g.turns[user] = t
	}
	t.refs++
	g.waiting++
	g.mu.Unlock()
	select {
	case t.slot <- struct{}{}:
		g.leave(user, t, true)
		return func() { <-t.slot; g.leave(user, t, false) }, nil
	case <-ctx.Done():
		g.leave(user, t, true)
		g.leave(user, t, false)
		return nil, ctx.Err()
	}
}

// leave counts a request out of waiting (wait), or out of the turn.
func (g *unlockGate) leave(user int64, t *userTurn, wait bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if wait {
		g.waiting--
		return
	}
	if t.refs--; t.refs == 0 {
		delete(g.turns, user)
	}
}

// waiters is how many requests wait for their person's turn (tests).
func (g *unlockGate) waiters() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}

// attempt is an archive unlock attempt reserved against the limits of its
// keys: settle it once, with failed or released.
type attempt struct {
	w    *Web
	keys []string
}

// reserveUnlock reserves an attempt under keys, or says how long tries
// must wait: the failures recorded and the attempts in flight together
// reach the limit.
func (w *Web) reserveUnlock(ctx context.Context, keys []string) (*attempt, time.Duration, error) {
	g := w.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	wait, err := w.archiveWait(ctx, keys, g.inflight)
	if err != nil || wait > 0 {
		return nil, wait, err
	}
	for _, k := range keys {
		g.inflight[k]++
	}
	return &attempt{w: w, keys: keys}, 0, nil
}

// failed records a wrong password under the attempt's keys and settles it.
// It is recorded even if the browser has gone: the password was checked.
func (a *attempt) failed(ctx context.Context) {
	g := a.w.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := a.w.rec.AddSigninFailure(context.WithoutCancel(ctx), a.w.o.Now(), a.keys...); err != nil {
		a.w.log.Warn("could not record a wrong archive password", "err", err)
	}
	a.settle()
}

// released settles an attempt that was right, or did not get to check
// the password.
func (a *attempt) released() {
	g := a.w.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	a.settle()
}

func (a *attempt) settle() {
	for _, k := range a.keys {
		if a.w.gate.inflight[k]--; a.w.gate.inflight[k] <= 0 {
			delete(a.w.gate.inflight, k)
		}
	}
}

// archiveWait is how long tries must wait: until enough of the failures
// that, with the attempts in flight, make a key reach the limit leave the
// window (a second when the attempts in flight alone reach it).
func (w *Web) archiveWait(ctx context.Context, keys []string, inflight map[string]int) (wait time.Duration, err error) {
	now := w.o.Now()
	limit := w.o.ArchiveFailures
	for _, k := range keys {
		fails, err := w.rec.SigninFailures(ctx, k, now.Add(-w.o.ArchiveWindow))
		if err != nil {
			return 0, err
		}
		n := len(fails) + inflight[k]
		if n < limit {
			continue
		}
		wait = max(wait, time.Second)
		if i := n - limit; i < len(fails) {
			wait = max(wait, fails[i].Add(w.o.ArchiveWindow).Sub(now))
		}
	}
	return wait, nil
}
