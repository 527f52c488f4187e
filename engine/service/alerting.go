package service

import (
	"github.com/cairnbackup/cairn/engine/alerts"
)

// alerter turns what the loop knows into notifications (engine/alerts
// decides, so they never storm).
type alerter struct {
	s *Service
	a *alerts.Alerter
}

func (s *Service) newAlerter() *alerter {
	if s.opts.Alert == nil {
		return &alerter{s: s}
	}
	a, err := alerts.New(alerts.Policy{}, s.opts.AlertMemory)
	if err != nil {
		if s.opts.Log != nil {
			s.opts.Log.Warn("notifications are off", "error", err.Error())
		}
		return &alerter{s: s}
	}
	return &alerter{s: s, a: a}
}

// observe tells the alerter the state after a turn of the loop.
func (al *alerter) observe(l *loop) {
	if al.a == nil {
		return
	}
	st := al.s.State()
	if st.Phase == Setup || st.Phase == Paused || st.Phase == BackingUp {
		return
	}
	o := alerts.Observation{Now: al.s.now(), LastComplete: st.LastSafe, Running: true, Since: l.started}
	out := map[string]bool{}
	for _, so := range st.SignedOut {
		out[so.Destination] = true
	}
	dests := al.s.d.Config().Destinations
	if len(out) >= len(dests) {
		return // nothing is backed up from here any more, and the window says why: no alert adds to it
	}
	for _, dst := range dests {
		if out[dst.Name] {
			continue // the state says it already, and waiting will not change it
		}
		last, ok := l.reached[dst.Name]
		o.Destinations = append(o.Destinations, alerts.DestinationSeen{Name: dst.Name, LastReached: last, Reachable: ok && !last.Before(l.lastPass)})
	}
	for _, fe := range st.Unreadable {
		o.Unreadable = append(o.Unreadable, fe.Path)
	}
	for _, a := range al.a.Observe(o) {
		al.s.opts.Alert(a)
	}
}

// end tells the alerter the service stops: the time until it runs again
// does not count as failing to back up.
func (al *alerter) end() {
	if al.a == nil {
		return
	}
	al.a.Observe(alerts.Observation{Now: al.s.now(), LastComplete: al.s.State().LastSafe})
	al.a.Save()
}
