package words

import (
	"sync"
	"time"
)

// EveryMinute calls fn once a minute until stop is called. The service
// publishes a state only when it changes, but the words for it depend on
// the time too ("Safe as of 14:02" becomes "yesterday 14:02" at midnight):
// the tray and the window look again each minute, and redraw only when the
// words changed.
func EveryMinute(fn func()) (stop func()) {
	tick := time.NewTicker(time.Minute)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-tick.C:
				fn()
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
