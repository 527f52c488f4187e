package service

import (
	"testing"
	"time"
)

func TestRetryDelayGrowsWithJitterUpToTheCeiling(t *testing.T) {
	base, ceiling := 2*time.Second, 15*time.Minute
	for _, c := range []struct {
		n    int
		r    float64
		want time.Duration
	}{
		{1, 0, time.Second},            // the first retry: between 1 and 2 s
		{1, 0.999999, 2 * time.Second}, // (r < 1: just under 2 s)
		{2, 0, 2 * time.Second},        // then 2–4 s
		{2, 0.5, 3 * time.Second},      //
		{3, 0, 4 * time.Second},        // 4–8 s
		{9, 0, 256 * time.Second},      // 2 s · 2⁸ = 512 s, its half
		{10, 0, 450 * time.Second},     // 1024 s is over the ceiling: 15 min, its half
		{10, 0.999999, ceiling},        //
		{1000, 0.5, 675 * time.Second}, // no overflow however many failures
	} {
		got := retryDelay(c.n, base, ceiling, c.r)
		if c.r > 0.99 {
			if got > c.want || c.want-got > time.Millisecond {
				t.Errorf("retryDelay(%d, r=%v) = %v, want just under %v", c.n, c.r, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("retryDelay(%d, r=%v) = %v, want %v", c.n, c.r, got, c.want)
		}
	}
}

func TestBackoffStartsAgainAfterASuccess(t *testing.T) {
	now := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	b := backoff{base: 2 * time.Second, ceiling: 15 * time.Minute, rand: func() float64 { return 0 }}
	var waits []time.Duration
	for range 4 {
		waits = append(waits, b.failed(now).Sub(now))
	}
	b.succeeded()
	waits = append(waits, b.failed(now).Sub(now))
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
}
