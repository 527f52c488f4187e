package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// uploadSlots bounds each user's uploads in flight to Options.MaxUploads,
// so that one account cannot keep many connections busy staging. An upload
// beyond them waits for a slot for a while (a client may send several
// objects at once, and each finishes soon), then is refused with 429
// "busy". The bytes uploads may stage are bounded by the quota (the
// vault's reservations).
type uploadSlots struct {
	mu     sync.Mutex
	byUser map[string]*userSlots
}

type userSlots struct {
	sem  chan struct{} // a token per upload in flight
	refs int           // uploads in flight or waiting; guarded by uploadSlots.mu
}

func (u *uploadSlots) entry(user string, max int) *userSlots {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byUser == nil {
		u.byUser = map[string]*userSlots{}
	}
	e := u.byUser[user]
	if e == nil {
		e = &userSlots{sem: make(chan struct{}, max)}
		u.byUser[user] = e
	}
	e.refs++
	return e
}

func (u *uploadSlots) drop(user string, e *userSlots) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if e.refs--; e.refs == 0 {
		delete(u.byUser, user)
	}
}

// errBusy: the user's uploads took every slot for as long as an upload
// waits.
var errBusy = errors.New("all upload slots stayed taken")

// take waits up to wait for one of user's max slots; the release it
// returns gives the slot back.
func (u *uploadSlots) take(ctx context.Context, user string, max int, wait time.Duration) (release func(), err error) {
	e := u.entry(user, max)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case e.sem <- struct{}{}:
		return func() { <-e.sem; u.drop(user, e) }, nil
	case <-t.C:
		err = errBusy
	case <-ctx.Done():
		err = ctx.Err()
	}
	u.drop(user, e)
	return nil, err
}

// uploadSlot takes one of the user's upload slots, waiting up to half the
// rate window: the body is not read meanwhile, and must still arrive at the
// minimum rate once it is. When it answers the request, release is nil.
func (s *Server) uploadSlot(w http.ResponseWriter, r *http.Request, user string) (release func()) {
	wait := s.o.RateWindow / 2
	if s.o.uploadWait > 0 {
		wait = s.o.uploadWait
	}
	release, err := s.uploads.take(r.Context(), user, s.o.MaxUploads, wait)
	if err == errBusy {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Seconds()))))
		err = &apiError{http.StatusTooManyRequests, "busy", fmt.Sprintf(
			"your account has had %d uploads in progress for %s, the most this server takes at once; "+
				"send this one again when one of them is done", s.o.MaxUploads, wait.Round(time.Second))}
	}
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return release
}
