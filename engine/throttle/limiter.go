package throttle

import (
	"context"
	"io"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter holds the bytes that pass through it to a rate. It is safe for
// concurrent use; every reader and writer made from it shares the one rate,
// so the limit is for all transfers together. A nil *Limiter does not limit.
type Limiter struct {
	lim *rate.Limiter

	mu sync.Mutex
	// changed is closed (and replaced) by SetLimit, so waiters planned at the
	// old rate plan again at the new one at once.
	changed chan struct{}
}

// NewLimiter returns a limiter of bytesPerSec; 0 or less means unlimited.
func NewLimiter(bytesPerSec int64) *Limiter {
	l := &Limiter{lim: rate.NewLimiter(rate.Inf, 0), changed: make(chan struct{})}
	l.SetLimit(bytesPerSec)
	return l
}

// burstFor is the most that passes in one step: a tenth of a second's worth,
// so a transfer is smooth, and a new limit takes hold within about 100 ms.
func burstFor(bytesPerSec int64) int {
	return int(min(max(bytesPerSec/10, 1), 1<<20))
}

// SetLimit changes the rate, also for transfers under way; 0 or less means
// unlimited.
func (l *Limiter) SetLimit(bytesPerSec int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if bytesPerSec <= 0 {
		l.lim.SetLimit(rate.Inf)
	} else {
		// The burst first: tokens saved at the old rate are capped to the
		// new burst, so lowering the limit cannot let a large burst through.
		l.lim.SetBurst(burstFor(bytesPerSec))
		l.lim.SetLimit(rate.Limit(bytesPerSec))
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// Limit returns the rate in bytes per second, 0 when unlimited.
func (l *Limiter) Limit() int64 {
	if l == nil || l.lim.Limit() == rate.Inf {
		return 0
	}
	return int64(l.lim.Limit())
}

// step is how many bytes a writer passes at a time, 0 when unlimited.
func (l *Limiter) step() int {
	if l.Limit() == 0 {
		return 0
	}
	return l.lim.Burst()
}

// Wait blocks until n bytes may pass, or ctx is done (then it returns
// ctx.Err()). n may be larger than the burst: the wait is made in steps.
func (l *Limiter) Wait(ctx context.Context, n int) error {
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if l.Limit() == 0 {
			return nil
		}
		l.mu.Lock()
		changed := l.changed
		l.mu.Unlock()
		chunk := min(n, l.lim.Burst())
		now := time.Now()
		r := l.lim.ReserveN(now, chunk)
		if !r.OK() {
			continue // the burst shrank under us; take the new one
		}
		if d := r.DelayFrom(now); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-changed:
				t.Stop()
				r.Cancel()
				continue // plan again at the new rate
			case <-ctx.Done():
				t.Stop()
				r.Cancel()
				return ctx.Err()
			}
		}
		n -= chunk
	}
	return nil
}

// Reader returns a reader that, after each read from r, waits until the
// bytes it returns may pass. When ctx is done, Read returns ctx.Err() (with
// the bytes already read from r, if it was waiting for them).
func (l *Limiter) Reader(ctx context.Context, r io.Reader) io.Reader {
	if l == nil {
		return r
	}
	return &reader{ctx: ctx, r: r, l: l}
}

type reader struct {
	ctx context.Context
	r   io.Reader
	l   *Limiter
}

func (r *reader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.r.Read(p)
	if n > 0 {
		if werr := r.l.Wait(r.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// Writer returns a writer that passes bytes to w no faster than the limit:
// it waits before each step, so the bytes leave at the rate. When ctx is
// done, Write returns ctx.Err().
func (l *Limiter) Writer(ctx context.Context, w io.Writer) io.Writer {
	if l == nil {
		return w
	}
	return &writer{ctx: ctx, w: w, l: l}
}

type writer struct {
	ctx context.Context
	w   io.Writer
	l   *Limiter
}

func (w *writer) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := len(p)
		if s := w.l.step(); s > 0 && s < chunk {
			chunk = s
		}
		if err := w.l.Wait(w.ctx, chunk); err != nil {
			return written, err
		}
		n, err := w.w.Write(p[:chunk])
		written += n
		if err != nil {
			return written, err
		}
		p = p[chunk:]
	}
	return written, nil
}
