package service

import "time"

// Retries after a failed pass wait longer each time, so that a server
// that is down or refuses this computer is not hammered (with thousands of
// computers, retries at a fixed short interval are a flood): the wait
// doubles from RetryBase up to RetryCeiling, each one drawn at random
// between its half and its whole (jitter, so computers that failed together
// do not retry together), and a pass that succeeds starts again from the
// base.
const (
	defaultRetryBase    = 2 * time.Second
	defaultRetryCeiling = 15 * time.Minute
)

// retryDelay is the wait before the retry that follows the n-th failure in
// a row (n ≥ 1): base·2^(n-1), at most ceiling, scaled into [½, 1] by r, a
// random number in [0, 1).
func retryDelay(n int, base, ceiling time.Duration, r float64) time.Duration {
	d := base
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return d/2 + time.Duration(r*float64(d/2))
}

// backoff counts failed passes in a row and says when to try again.
type backoff struct {
	base, ceiling time.Duration
	rand          func() float64
	failures      int
}

// failed counts a failed pass and returns when to try again.
func (b *backoff) failed(now time.Time) time.Time {
	b.failures++
	return now.Add(retryDelay(b.failures, b.base, b.ceiling, b.rand()))
}

// succeeded starts counting again.
func (b *backoff) succeeded() { b.failures = 0 }
