package home

import (
	"sync"
	"time"
)

// followClock redraws the state once a minute until Close: the service
// publishes a state only when it changes, but what the screen says depends
// on the time too ("Safe as of 14:02" is "yesterday 14:02" after midnight).
func (s *Screen) followClock() (stop func()) {
	tick := time.NewTicker(time.Minute)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-tick.C:
				s.deps.do(func() { s.showState(s.state) })
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			tick.Stop()
			close(done)
		})
	}
}
