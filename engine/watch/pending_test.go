package watch

import (
	"slices"
	"testing"
	"time"
)

func TestPendingHandsOnQuietOrOverduePaths(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tests := []struct {
		name     string
		events   map[string][]int // path → event times in ms
		now      int
		due      []string
		nextAtMs int // -1: nothing left
	}{
		{"not quiet yet", map[string][]int{"a": {0, 1500}}, 2000, nil, 3500},
		{"quiet", map[string][]int{"a": {0, 500}}, 2500, []string{"a"}, -1},
		{"busy past MaxDelay", map[string][]int{"a": {0, 4000, 9000, 9900}}, 10000, []string{"a"}, -1},
		{"busy, MaxDelay near", map[string][]int{"a": {0, 9000}}, 9500, nil, 10000},
		{"one of two", map[string][]int{"a": {0}, "b": {1000}}, 2000, []string{"a"}, 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPending(2*time.Second, 10*time.Second)
			for path, times := range tt.events {
				for _, ms := range times {
					p.touch(path, at(ms))
				}
			}
			due, next := p.due(at(tt.now))
			slices.Sort(due)
			if !slices.Equal(due, tt.due) {
				t.Errorf("due = %v, want %v", due, tt.due)
			}
			if tt.nextAtMs < 0 && !next.IsZero() || tt.nextAtMs >= 0 && !next.Equal(at(tt.nextAtMs)) {
				t.Errorf("next = %v, want %d ms", next.Sub(t0), tt.nextAtMs)
			}
		})
	}
}

func TestNextFireWaitsHalfQuiet(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPending(2*time.Second, time.Minute)
	if got := p.nextFire(t0, t0.Add(100*time.Millisecond)); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("nextFire soon after a fire = %v, want quiet/2 later", got.Sub(t0))
	}
	if got := p.nextFire(t0, t0.Add(5*time.Second)); !got.Equal(t0.Add(5 * time.Second)) {
		t.Errorf("nextFire = %v, want the deadline", got.Sub(t0))
	}
}

func TestOutboxMergesUntilTaken(t *testing.T) {
	var b outbox
	if b.ready() {
		t.Fatal("empty outbox ready")
	}
	b.add([]string{"/b", "/a"})
	b.add([]string{"/a", "/c"})
	if got := b.batch(); !slices.Equal(got.Paths, []string{"/a", "/b", "/c"}) || got.Rescan {
		t.Errorf("batch = %+v", got)
	}
	b.setRescan()
	b.add([]string{"/d"})
	if got := b.batch(); got.Paths != nil || !got.Rescan {
		t.Errorf("batch after rescan = %+v, want a rescan alone", got)
	}
	b.sent()
	if b.ready() {
		t.Error("outbox ready after its batch was taken")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 8192: "8,192", 1234567: "1,234,567", -1204: "-1,204"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		p, root string
		want    bool
	}{
		{"/a/b", "/a", true}, {"/a", "/a", true}, {"/ab", "/a", false}, {"/a", "/a/b", false}, {"/x", "/", true},
	}
	for _, tt := range tests {
		if got := within(tt.p, tt.root); got != tt.want {
			t.Errorf("within(%q, %q) = %v, want %v", tt.p, tt.root, got, tt.want)
		}
	}
}
