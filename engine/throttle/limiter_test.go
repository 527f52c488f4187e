package throttle

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"
)

const kib = 1024

// endless is a source that never runs out.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

// copyTimed copies n bytes of data through a reader limited by l and says
// how long it took.
func copyTimed(t *testing.T, l *Limiter, n int) time.Duration {
	t.Helper()
	data := bytes.Repeat([]byte("cairn!"), n/6+1)[:n]
	var out bytes.Buffer
	start := time.Now()
	got, err := io.Copy(&out, l.Reader(context.Background(), bytes.NewReader(data)))
	took := time.Since(start)
	if err != nil || got != int64(n) || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("copied %d of %d bytes: %v", got, n, err)
	}
	return took
}

func TestLimiterHoldsTheRate(t *testing.T) {
	t.Parallel()
	// 400 KiB at 200 KiB/s: 2 s, less the first tenth of a second's burst.
	took := copyTimed(t, NewLimiter(200*kib), 400*kib)
	if took < 1500*time.Millisecond || took > 6*time.Second {
		t.Fatalf("400 KiB at 200 KiB/s took %s, want 1.5–6 s", took)
	}
	t.Logf("400 KiB at 200 KiB/s in %s", took)
}

func TestLimiterUnlimited(t *testing.T) {
	t.Parallel()
	for _, l := range []*Limiter{NewLimiter(0), nil} {
		if took := copyTimed(t, l, 64<<20); took > 3*time.Second {
			t.Fatalf("64 MiB without a limit took %s", took)
		}
		if l.Limit() != 0 {
			t.Fatalf("Limit() = %d, want 0", l.Limit())
		}
	}
}

// rateOver measures the bytes counted by n per second over d.
func rateOver(n *atomic.Int64, d time.Duration) float64 {
	before, start := n.Load(), time.Now()
	time.Sleep(d)
	return float64(n.Load()-before) / time.Since(start).Seconds()
}

func TestLimiterSetLimitMidTransfer(t *testing.T) {
	t.Parallel()
	l := NewLimiter(100 * kib)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	done := make(chan error, 1)
	go func() {
		r, buf := l.Reader(ctx, endless{}), make([]byte, 32*kib)
		for {
			m, err := r.Read(buf)
			n.Add(int64(m))
			if err != nil {
				done <- err
				return
			}
		}
	}()
	if r := rateOver(&n, 500*time.Millisecond); r > 250*kib {
		t.Fatalf("%.0f KiB/s at a limit of 100 KiB/s", r/kib)
	}
	l.SetLimit(4 << 20)
	if r := rateOver(&n, 500*time.Millisecond); r < 1<<20 {
		t.Fatalf("%.0f KiB/s after raising the limit to 4 MiB/s", r/kib)
	}
	// Lowered: the next second, which includes the change taking hold,
	// passes little more than the new rate, where 4 MiB/s would pass 4 MiB.
	l.SetLimit(50 * kib)
	if r := rateOver(&n, time.Second); r > 200*kib {
		t.Fatalf("%.0f KiB/s after lowering the limit to 50 KiB/s", r/kib)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("reader ended with %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("reader went on after its context was cancelled")
	}
}

func TestLimiterCancelStopsABlockedRead(t *testing.T) {
	t.Parallel()
	l := NewLimiter(kib) // one read of 1 MiB waits about 17 minutes
	ctx, cancel := context.WithCancel(context.Background())
	r := l.Reader(ctx, bytes.NewReader(make([]byte, 1<<20)))
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.Read(make([]byte, 1<<20))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Read returned %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Read returned %s after the cancel", took)
	}
	if n, err := r.Read(make([]byte, 10)); n != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Read after the cancel: %d, %v", n, err)
	}
	w := l.Writer(ctx, io.Discard)
	if _, err := w.Write([]byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write after the cancel: %v", err)
	}
}

func TestLimiterConcurrentReadersShareTheRate(t *testing.T) {
	t.Parallel()
	l := NewLimiter(200 * kib)
	start := time.Now()
	errs := make(chan error, 4)
	for range 4 { // 4 × 100 KiB at 200 KiB/s together: about 2 s
		go func() {
			_, err := io.Copy(io.Discard, l.Reader(context.Background(), io.LimitReader(endless{}, 100*kib)))
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 1500*time.Millisecond || took > 6*time.Second {
		t.Fatalf("4 × 100 KiB at 200 KiB/s took %s, want 1.5–6 s", took)
	}
}
