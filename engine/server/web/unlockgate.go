package web

import (
	"context"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// unlockGate orders archive unlocks: a person's unlocks run one at a time
// (turn), so one person takes at most one of the server's MaxUnlocking
// slots, whatever they send. Each attempt is also reserved against the
// wrong-password limits before its password is checked (reserveUnlock).
type unlockGate struct {
	mu      sync.Mutex
	turns   map[int64]*userTurn // by user ID
	waiting int                 // requests waiting for their person's turn
}

// userTurn is one person's unlock slot and how many requests hold or
// wait for it (the map entry goes when none does).
type userTurn struct {
	slot chan struct{}
	refs int
}

func newUnlockGate() *unlockGate {
	return &unlockGate{turns: map[int64]*userTurn{}}
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
// keys: counted as a failure until released.
type attempt struct {
	w    *Web
	keys []string
	id   int64 // the reservation (records.SigninReservation.Attempt)
}

// reserveUnlock reserves an attempt under keys before its password is
// checked, or says how long tries must wait. The records reserve it
// (ReserveSignin, as the API's sign-ins): the failures recorded and the
// attempts in flight together count, on every node sharing the records.
func (w *Web) reserveUnlock(ctx context.Context, keys []string) (*attempt, time.Duration, error) {
	limits := make([]records.SigninLimit, len(keys))
	for i, k := range keys {
		limits[i] = records.SigninLimit{Key: k, Max: w.o.ArchiveFailures, Window: w.o.ArchiveWindow}
	}
	res, err := w.rec.ReserveSignin(ctx, w.o.Now(), limits)
	if err != nil || res.Wait > 0 {
		return nil, res.Wait, err
	}
	return &attempt{w: w, keys: keys, id: res.Attempt}, 0, nil
}

// released uncounts an attempt that was right, or did not get to check
// the password; it is released even if the browser has gone.
func (a *attempt) released(ctx context.Context) {
	if err := a.w.rec.ReleaseSignin(context.WithoutCancel(ctx), a.id); err != nil {
		a.w.log.Warn("could not uncount an archive unlock", "err", err)
	}
}
