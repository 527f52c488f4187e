package retention

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestProperties applies random policies to random histories at a series of
// ever later times and checks what the package promises.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	for run := range 3000 {
		p := Default()
		if run%3 != 0 {
			p = randomPolicy(rng)
		}
		now := at(t, "2026-11-25 15:00").Add(-time.Duration(rng.Int64N(int64(2 * day))))
		entries := randomHistory(rng, now)
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			checkProperties(t, p, entries, now, rng)
		})
		if t.Failed() {
			t.Logf("policy %+v\nhistory %v", p, entries)
			return
		}
	}
}

func checkProperties(t *testing.T, p Policy, entries []Entry, now time.Time, rng *rand.Rand) {
	survivors := make([]int, len(entries)) // what a prune at each step leaves
	for i := range survivors {
		survivors[i] = i
	}
	var prev []Decision
	for range 25 {
		got := Apply(entries, p, now)
		if len(got) != len(entries) {
			t.Fatalf("%d decisions for %d entries", len(got), len(entries))
		}
		if want := naiveApply(entries, p, now); !slices.Equal(got, want) {
			t.Fatalf("at %v:\n got %v\nwant %v", now, got, want)
		}
		checkProtected(t, entries, got, p, now)
		checkShrinks(t, prev, got, now)
		survivors = checkStepwise(t, entries, got, survivors, p, now)
		prev = got
		now = now.Add(time.Duration(rng.Int64N(int64(60 * day))))
	}
}

// checkProtected: the newest version of a live file is kept; a recently
// deleted file keeps its marker and last version; a file deleted long ago
// keeps nothing.
func checkProtected(t *testing.T, entries []Entry, got []Decision, p Policy, now time.Time) {
	t.Helper()
	last := len(entries) - 1
	switch {
	case last < 0:
	case !entries[last].Deleted:
		if !got[last].Keep {
			t.Fatalf("at %v the newest live version was dropped: %v", now, got[last])
		}
	case now.Sub(entries[last].Recorded) > time.Duration(p.DeletedKeep):
		if slices.ContainsFunc(got, func(d Decision) bool { return d.Keep }) {
			t.Fatalf("at %v a file deleted long ago kept something: %v", now, got)
		}
	default:
		j := last - 1
		for j >= 0 && entries[j].Deleted {
			j--
		}
		if !got[last].Keep || (j >= 0 && !got[j].Keep) {
			t.Fatalf("at %v a recently deleted file lost its marker or last version: %v", now, got)
		}
	}
}

// checkShrinks: as now advances, an entry that was dropped stays dropped, so
// the kept count never grows.
func checkShrinks(t *testing.T, prev, got []Decision, now time.Time) {
	t.Helper()
	for i := range prev {
		if got[i].Keep && !prev[i].Keep {
			t.Fatalf("at %v entry %d came back: was %v, now %v", now, i, prev[i], got[i])
		}
	}
}

// checkStepwise: applying the policy to what earlier prunes left decides
// every survivor as applying it to the whole history would. survivors are
// indexes into entries (equal times make entries alike); it returns those of
// what this prune leaves.
func checkStepwise(t *testing.T, entries []Entry, got []Decision, survivors []int, p Policy, now time.Time) []int {
	t.Helper()
	left := make([]Entry, len(survivors))
	for j, i := range survivors {
		left[j] = entries[i]
	}
	var kept []int
	for j, d := range Apply(left, p, now) {
		i := survivors[j]
		if d != got[i] {
			t.Fatalf("at %v, after earlier prunes, entry %d: got %v, want %v", now, i, d, got[i])
		}
		if d.Keep {
			kept = append(kept, i)
		}
	}
	return kept
}

// naiveApply is the definition, spelled out: an entry is dropped when any
// newer entry falls in the same bucket of every non-KeepAll width from its
// tier on.
func naiveApply(entries []Entry, p Policy, now time.Time) []Decision {
	out := make([]Decision, len(entries))
	n := len(entries)
	if n > 0 && entries[n-1].Deleted && now.Sub(entries[n-1].Recorded) > time.Duration(p.DeletedKeep) {
		for i := range out {
			out[i] = Decision{Reason: ReasonExpired}
		}
		return out
	}
	for i, e := range entries {
		out[i] = naiveThin(entries, i, p, now)
		switch {
		case out[i].Reason == ReasonFuture:
		case i == n-1 && !e.Deleted:
			out[i] = Decision{Keep: true, Reason: ReasonNewest}
		case i == n-1:
			out[i] = Decision{Keep: true, Reason: ReasonDeleted}
		case !e.Deleted && entries[n-1].Deleted && !slices.ContainsFunc(entries[i+1:n-1], func(e Entry) bool { return !e.Deleted }):
			out[i] = Decision{Keep: true, Reason: ReasonLastBefore}
		}
	}
	return out
}

func naiveThin(entries []Entry, i int, p Policy, now time.Time) Decision {
	t := entries[i].Recorded
	if t.After(now) {
		return Decision{Keep: true, Reason: ReasonFuture}
	}
	widths := append(tierWidths(p), p.Older)
	k := 0
	for k < len(p.Tiers) && now.Sub(t) > time.Duration(p.Tiers[k].Within) {
		k++
	}
	if widths[k] == KeepAll {
		return Decision{Keep: true, Reason: ReasonKeepAll}
	}
	var start time.Time
	for _, w := range widths[k:] {
		if s := w.start(w.index(t)); w != KeepAll && s.After(start) {
			start = s
		}
	}
	for _, later := range entries[i+1:] {
		if naiveSame(widths[k:], t, later.Recorded) {
			return Decision{Reason: ReasonThinned, Width: widths[k], Bucket: start}
		}
	}
	return Decision{Keep: true, Reason: ReasonBucket, Width: widths[k], Bucket: start}
}

func tierWidths(p Policy) []Width {
	var ws []Width
	for _, tier := range p.Tiers {
		ws = append(ws, tier.Every)
	}
	return ws
}

func naiveSame(widths []Width, a, b time.Time) bool {
	for _, w := range widths {
		if w != KeepAll && w.index(a) != w.index(b) {
			return false
		}
	}
	return true
}

var someWidths = []Width{
	KeepAll, Width(10 * time.Minute), Width(30 * time.Minute), Width(45 * time.Minute), Width(time.Hour),
	Width(90 * time.Minute), Width(day), Width(36 * time.Hour), Width(7 * day), Width(10 * day), Month,
}

// randomPolicy returns a valid policy with up to 4 tiers, its widths drawn
// from someWidths, some of which do not nest in one another.
func randomPolicy(rng *rand.Rand) Policy {
	for {
		p := Policy{DeletedKeep: Duration(time.Duration(1+rng.IntN(120)) * day)}
		within, w := time.Duration(0), 0
		for range rng.IntN(5) {
			within += time.Duration(1+rng.IntN(200)) * time.Hour * time.Duration(1+rng.IntN(24))
			w += rng.IntN(3)
			p.Tiers = append(p.Tiers, Tier{Within: Duration(within), Every: someWidths[min(w, len(someWidths)-1)]})
		}
		p.Older = someWidths[min(w+rng.IntN(3), len(someWidths)-1)]
		if p.Validate() == nil {
			return p
		}
	}
}

// randomHistory returns up to 80 entries before and around now: bursts
// minutes apart, quiet days and months, equal times, some deletions.
func randomHistory(rng *rand.Rand, now time.Time) []Entry {
	gaps := []time.Duration{0, time.Minute, 10 * time.Minute, time.Hour, day, 30 * day}
	n := rng.IntN(81)
	t := now.Add(-time.Duration(rng.Int64N(int64(4 * 365 * day))))
	entries := make([]Entry, n)
	for i := range entries {
		g := gaps[rng.IntN(len(gaps))]
		t = t.Add(time.Duration(rng.Int64N(int64(g) + 1)))
		entries[i] = Entry{Recorded: t, Deleted: rng.IntN(12) == 0}
	}
	if n > 0 && rng.IntN(3) == 0 {
		entries[n-1].Deleted = true
	}
	return entries
}
