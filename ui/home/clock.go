package home

import "github.com/cairnbackup/cairn/ui/words"

// followClock redraws the state once a minute until Close: the service
// publishes a state only when it changes, but what the screen says depends
// on the time too ("Safe as of 14:02" is "yesterday 14:02" after midnight).
func (s *Screen) followClock() (stop func()) {
	return words.EveryMinute(func() { s.deps.do(func() { s.showState(s.state) }) })
}
