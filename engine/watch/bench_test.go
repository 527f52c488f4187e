package watch

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkPendingBurst measures the debounce's cost per event in a burst:
// each event is a map update; due walks the pending paths once per fire.
//
// The idle cost is not benchmarked because it is nil by construction: with
// nothing pending, no timer or ticker exists, and the watcher's goroutine
// and fsnotify's reader are both parked (in select and in a blocking read of
// the inotify descriptor). TestIdleArmsNoTimer checks that no timer is left
// armed once the batches are handed on.
func BenchmarkPendingBurst(b *testing.B) {
	paths := make([]string, 10_000)
	for i := range paths {
		paths[i] = "/home/ana/project/file" + strconv.Itoa(i)
	}
	now := time.Now()
	b.ResetTimer()
	for range b.N {
		p := newPending(2*time.Second, 2*time.Minute)
		for _, path := range paths {
			p.touch(path, now)
		}
		if due, _ := p.due(now.Add(3 * time.Second)); len(due) != len(paths) {
			b.Fatalf("%d due, want %d", len(due), len(paths))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(paths)), "ns/event")
}
