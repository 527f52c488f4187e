package throttle

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"
)

func TestWorkersAndDuty(t *testing.T) {
	tests := []struct{ percent, cores, workers, duty int }{
		{50, 8, 4, 100},
		{50, 2, 1, 100},
		{25, 2, 1, 50},
		{75, 2, 1, 100}, // one core of two: under the share rather than over
		{100, 4, 4, 100},
		{10, 4, 1, 40},
		{1, 1, 1, 1},
		{0, 4, 1, 4},     // clamped to 1 %
		{150, 2, 2, 100}, // clamped to 100 %
		{50, 0, 1, 50},   // no cores reported: one
	}
	for _, tc := range tests {
		if w, d := Workers(tc.percent, tc.cores), Duty(tc.percent, tc.cores); w != tc.workers || d != tc.duty {
			t.Errorf("%d %% of %d cores: %d workers at %d %%, want %d at %d %%", tc.percent, tc.cores, w, d, tc.workers, tc.duty)
		}
	}
}

// hash is a unit of real work: hashing 256 KiB, around a millisecond.
func hash(buf []byte) func() {
	return func() { sha256.Sum256(buf) }
}

// dutyCycle runs units of work through a pacer for about d and returns the
// share of the time spent working.
func dutyCycle(t *testing.T, p *Pacer, d time.Duration) float64 {
	t.Helper()
	buf := make([]byte, 256<<10)
	var busy time.Duration
	start := time.Now()
	for time.Since(start) < d {
		err := p.Do(context.Background(), func() {
			s := time.Now()
			hash(buf)()
			busy += time.Since(s)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return float64(busy) / float64(time.Since(start))
}

func TestPacerHoldsADutyCycle(t *testing.T) {
	// Loose bounds: the busy time is measured on a machine that may be
	// busy with other tests, but a pacer at 25 % must be clearly below one
	// at 100 %.
	tests := []struct {
		percent   int
		low, high float64
	}{
		{100, 0.9, 1.0},
		{50, 0.3, 0.7},
		{25, 0.12, 0.4},
	}
	for _, tc := range tests {
		got := dutyCycle(t, NewPacer(tc.percent), 700*time.Millisecond)
		t.Logf("at %d %%: busy %.0f %% of the time", tc.percent, 100*got)
		if got < tc.low || got > tc.high {
			t.Errorf("at %d %%: busy %.2f of the time, want %.2f–%.2f", tc.percent, got, tc.low, tc.high)
		}
	}
}

func TestPacerStopsOnCancel(t *testing.T) {
	p := NewPacer(1) // 99 times the work's time asleep
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := p.Do(ctx, func() { time.Sleep(100 * time.Millisecond) }) // then about 10 s of sleep
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Do returned %s after the cancel", took)
	}
}
