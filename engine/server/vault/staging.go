package vault

import (
	"context"
	"fmt"
	"sync"
)

// Staging is bounded by each user's quota: before a byte of an upload is
// staged, its size is set aside against what is left of the user's quota,
// less what the user's other uploads in flight have set aside already. So
// one user sending many large uploads at once stages at most the room they
// have, instead of filling the server's disk (or S3 temporary space) before
// the quota check at commit refuses them one by one.
//
// Reservations are kept in this process: nodes of a cluster each bound
// their own staging, and the check at commit, under the commit lock, keeps
// the quota exact across nodes.

// stager holds the reservations of users with uploads in flight.
type stager struct {
	mu    sync.Mutex
	users map[string]*userStaging
}

// userStaging is one user's reservations. mu is held while a reservation
// reads the user's usage and while a commit adds to it and releases its
// reservation, so a reservation sees each upload either reserved or used,
// never both nor neither.
type userStaging struct {
	mu       sync.Mutex
	reserved int64 // bytes set aside by uploads in flight; guarded by mu
	refs     int   // reservations holding the entry; guarded by stager.mu
}

// reservation is an upload's bytes set aside.
type reservation struct {
	s    *stager
	user string
	e    *userStaging
	size int64
	once sync.Once
}

func (s *stager) acquire(user string) *userStaging {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		s.users = map[string]*userStaging{}
	}
	e := s.users[user]
	if e == nil {
		e = &userStaging{}
		s.users[user] = e
	}
	e.refs++
	return e
}

func (s *stager) drop(user string, e *userStaging) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.refs--; e.refs == 0 {
		delete(s.users, user)
	}
}

// reserve sets size bytes of user's quota aside, or refuses with ErrQuota
// when they do not fit beside what is used and what uploads in flight have
// set aside.
func (v *Vault) reserve(ctx context.Context, user string, size int64) (*reservation, error) {
	e := v.staging.acquire(user)
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := v.rec.User(ctx, user)
	if err == nil && u.Used+e.reserved+size > u.Quota {
		err = fmt.Errorf("%s uses %d of %d bytes and has %d more on the way; %d more do not fit: %w",
			u.Name, u.Used, u.Quota, e.reserved, size, ErrQuota)
	}
	if err != nil {
		v.staging.drop(user, e)
		return nil, err
	}
	e.reserved += size
	return &reservation{s: &v.staging, user: user, e: e, size: size}, nil
}

// commit runs fn, which adds the upload to its user's usage, and releases
// the reservation in the same step.
func (r *reservation) commit(fn func() error) error {
	r.e.mu.Lock()
	err := fn()
	if err == nil {
		r.releaseLocked()
	}
	r.e.mu.Unlock()
	return err
}

// release gives the bytes back (an upload refused or cut off); it may be
// called again, and after commit.
func (r *reservation) release() {
	r.e.mu.Lock()
	r.releaseLocked()
	r.e.mu.Unlock()
}

func (r *reservation) releaseLocked() {
	r.once.Do(func() {
		r.e.reserved -= r.size
		r.s.drop(r.user, r.e)
	})
}

// Reserved is how many bytes of user's quota the uploads in flight have
// set aside: what they may stage.
func (v *Vault) Reserved(user string) int64 {
	v.staging.mu.Lock()
	e := v.staging.users[user]
	v.staging.mu.Unlock()
	if e == nil {
		return 0
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reserved
}
