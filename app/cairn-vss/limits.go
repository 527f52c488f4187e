package main

import (
	"fmt"
	"time"

	"github.com/cairnbackup/cairn/engine/snapshot"
)

// Limits bound what people can make: every shadow copy takes room on the
// drive (the shadow storage, 10% of it by default, shared with restore
// points), and making one stalls writes to the drive for a moment.
type Limits struct {
	// PerUser is how many shadow copies one person may have at once.
	// Default 1: a pass needs one per drive it meets an in-use file on, and
	// most people's files are on C:.
	PerUser int
	// Total is how many all people together may have at once. Default 4.
	Total int
	// PerHour is how many one person may ask for in an hour, made or not.
	// Default 6: a pass every ten minutes (continuous backup of a .pst
	// that changes all day) and no more.
	PerHour int
	// MaxAge is when a shadow copy is deleted whoever holds it. Default
	// 2 h: longer than a pass that reads a large mailbox.
	MaxAge time.Duration
	// Conns and ConnsPerUser bound the connections served at once, in all
	// and per person. Defaults 32 and 4: a person's Cairn holds one while
	// it backs up; more would only let one person crowd others out.
	Conns, ConnsPerUser int
	// CreateTimeout and DeleteTimeout bound one call of the Maker.
	// Defaults 2 min and 1 min: Windows takes seconds.
	CreateTimeout, DeleteTimeout time.Duration
}

func (l *Limits) applyDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.PerUser, 1)
	def(&l.Total, 4)
	def(&l.PerHour, 6)
	def(&l.Conns, 32)
	def(&l.ConnsPerUser, 4)
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur(&l.MaxAge, 2*time.Hour)
	defDur(&l.CreateTimeout, 2*time.Minute)
	defDur(&l.DeleteTimeout, time.Minute)
}

// reserve counts a request of user against the limits, or says which one
// it is over. A request counts for the hour made or not: a failing one
// costs Windows as much.
func (s *Server) reserve(user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	recent := s.asked[user][:0]
	for _, t := range s.asked[user] {
		if now.Sub(t) < time.Hour {
			recent = append(recent, t)
		}
	}
	s.asked[user] = recent
	mine, all := s.pending[user], 0
	for _, n := range s.pending {
		all += n
	}
	for _, sh := range s.live {
		if sh.user == user {
			mine++
		}
		all++
	}
	switch {
	case mine >= s.lim.PerUser:
		return fmt.Errorf("%w: you have %d, the most one person may have", snapshot.ErrLimit, mine)
	case all >= s.lim.Total:
		return fmt.Errorf("%w: %d on this computer, the most there may be", snapshot.ErrLimit, all)
	case len(recent) >= s.lim.PerHour:
		return fmt.Errorf("%w: %d in the last hour, the most one person may ask for", snapshot.ErrRate, len(recent))
	}
	s.asked[user] = append(recent, now)
	s.pending[user]++
	return nil
}

// admit numbers a new connection of user, or refuses it when there are
// as many as Limits allow.
func (s *Server) admit(user string) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := 0
	for _, n := range s.open {
		all += n
	}
	if s.open[user] >= s.lim.ConnsPerUser || all >= s.lim.Conns {
		return 0, fmt.Errorf("%w: too many connections at once", snapshot.ErrLimit)
	}
	s.open[user]++
	s.conns++
	return s.conns, nil
}
