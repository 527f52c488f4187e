package throttle

import (
	"context"
	"sync/atomic"
	"time"
)

// Workers returns how many hashing and compressing workers use about
// percent of cores: rounded down, so the share is not exceeded, but at
// least one, so work goes on. Give each worker a Pacer at
// Duty(percent, cores) to come closer to the share when it is not a whole
// number of cores.
func Workers(percent, cores int) int {
	percent, cores = min(max(percent, 1), 100), max(cores, 1)
	return min(max(cores*percent/100, 1), cores)
}

// Duty returns the duty cycle, in percent, for each of the
// Workers(percent, cores) workers so that together they use about percent
// of cores: 25 % of 2 cores is one worker at 50 %.
func Duty(percent, cores int) int {
	percent, cores = min(max(percent, 1), 100), max(cores, 1)
	return min(max(percent*cores/Workers(percent, cores), 1), 100)
}

// minSleep is the shortest pause a Pacer takes: shorter ones cost more in
// wake-ups than they give back, so the pause owed is carried over until it
// reaches this.
const minSleep = 2 * time.Millisecond

// maxCredit bounds the oversleep a Pacer carries over.
const maxCredit = 100 * time.Millisecond

// Pacer holds one goroutine to a duty cycle: after each unit of work it
// sleeps long enough that busy/(busy+sleep) is about the percent. Wall time
// is measured, not CPU time, so on a busy machine it errs on the gentle
// side.
//
// A Pacer belongs to one worker goroutine: Do must not be called
// concurrently. SetPercent may be called from any goroutine.
type Pacer struct {
	percent atomic.Int32
	owed    time.Duration // sleep owed and not yet taken, or overslept (<0)
}

// NewPacer returns a pacer at percent (clamped to 1–100; 100 never sleeps).
func NewPacer(percent int) *Pacer {
	p := new(Pacer)
	p.SetPercent(percent)
	return p
}

// SetPercent changes the duty cycle from the next unit of work on.
func (p *Pacer) SetPercent(percent int) {
	p.percent.Store(int32(min(max(percent, 1), 100)))
}

// Do runs work, then sleeps its share. It returns ctx.Err() if ctx is done
// during the sleep (work has run by then).
func (p *Pacer) Do(ctx context.Context, work func()) error {
	start := time.Now()
	work()
	busy := time.Since(start)
	pct := time.Duration(p.percent.Load())
	if pct >= 100 {
		p.owed = 0
		return nil
	}
	p.owed += busy * (100 - pct) / pct
	if p.owed < minSleep {
		return nil
	}
	t := time.NewTimer(p.owed)
	defer t.Stop()
	sleepStart := time.Now()
	select {
	case <-t.C:
		// A timer fires late; the extra is credited to the next units, but
		// no more than maxCredit (a computer that slept while we did owes
		// nothing for it).
		p.owed = max(p.owed-time.Since(sleepStart), -maxCredit)
		return nil
	case <-ctx.Done():
		p.owed = 0
		return ctx.Err()
	}
}
