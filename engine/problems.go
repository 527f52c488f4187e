package engine

import (
	"sync"
	"time"
)

// FileError is a file or folder an operation could not handle. The
// operation goes on; the person is told which file and why.
type FileError struct {
	Path string
	Err  error
}

func (e FileError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e FileError) Unwrap() error { return e.Err }

// MaxReported bounds the problems an operation keeps to report; all are
// counted, and all are passed to the caller's hook as they happen.
const MaxReported = 1000

// Problems collects FileErrors from many goroutines.
type Problems struct {
	mu   sync.Mutex
	list []FileError
	n    int
}

// Add records a problem.
func (p *Problems) Add(fe FileError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if len(p.list) < MaxReported {
		p.list = append(p.list, fe)
	}
}

// List returns the problems kept (at most MaxReported).
func (p *Problems) List() []FileError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]FileError(nil), p.list...)
}

// Count returns how many problems were added.
func (p *Problems) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// Every calls fn every d, from another goroutine, until the returned stop
// is called; stop calls fn once more, last, so the final state is always
// reported. With a nil fn it does nothing.
func Every(d time.Duration, fn func()) (stop func()) {
	if fn == nil {
		return func() {}
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn()
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		fn()
	}
}
