package retention

import (
	"slices"
	"time"
)

// Entry is one recorded state of a path, as retention sees it.
type Entry struct {
	// Recorded is when Cairn captured the state (engine.Version.Recorded).
	Recorded time.Time
	// Deleted marks a deletion marker: the moment the path disappeared.
	Deleted bool
}

// The reasons a Decision gives. They are constant, so that Apply allocates
// nothing per entry; the UI maps them to translated words, and
// [Decision.String] adds the bucket for logs.
const (
	ReasonNewest     = "newest"                                       // newest entry of a live file
	ReasonFuture     = "future"                                       // recorded after now
	ReasonKeepAll    = "keep-all tier"                                // its tier keeps every version
	ReasonBucket     = "newest in its bucket"                         // kept by thinning
	ReasonThinned    = "newer entry in its bucket"                    // dropped by thinning
	ReasonDeleted    = "deleted, kept for deletedKeep"                // newest marker of a deleted file
	ReasonLastBefore = "last version before deletion"                 // so a deleted file can be restored
	ReasonExpired    = "expired: deleted longer than deletedKeep ago" // the whole path goes
)

// Decision is what retention decided about one entry, and why.
type Decision struct {
	Keep bool
	// Reason is one of the Reason constants.
	Reason string
	// Width and Bucket name the bucket the entry was judged in, for
	// ReasonBucket and ReasonThinned; they are zero otherwise. Width is the
	// tier's width and Bucket the bucket's beginning, in UTC; for a bucket
	// cut by an older tier's (a week cut at the start of a month), that is
	// where the cut part begins.
	Width  Width
	Bucket time.Time
}

// String says the decision in plain words, with its bucket:
// "keep: 30m bucket 2026-11-25T14:00Z", "drop: newer entry in 1d bucket
// 2026-11-17", "keep: newest", "drop: expired: deleted longer than
// deletedKeep ago".
func (d Decision) String() string {
	verb := "drop: "
	if d.Keep {
		verb = "keep: "
	}
	if d.Width == KeepAll {
		return verb + d.Reason
	}
	bucket := d.Width.String() + " bucket " + d.Bucket.Format(bucketLayout(d.Width))
	if d.Keep {
		return verb + bucket
	}
	return verb + "newer entry in " + bucket
}

func bucketLayout(w Width) string {
	switch {
	case w == Month:
		return "2006-01"
	case w%Width(day) == 0:
		return "2006-01-02"
	}
	return "2006-01-02T15:04Z"
}

// Apply decides, for each entry of the history of one path, whether to keep
// it, and why. entries must be sorted by Recorded, oldest first (of entries
// with equal times, the later in the slice counts as newer); the result has
// one Decision per entry, in the same order. It runs in O(len(entries)) time
// and allocates only the result. p should be valid (see
// [Policy.Validate]); with an invalid policy the thinning is unspecified, but
// the newest entry of a live file is still kept.
func Apply(entries []Entry, p Policy, now time.Time) []Decision {
	return ApplyTo(nil, entries, p, now)
}

// ApplyTo is Apply writing into dst, which it reuses when its capacity
// allows, so that a prune over millions of paths allocates nothing per path.
func ApplyTo(dst []Decision, entries []Entry, p Policy, now time.Time) []Decision {
	n := len(entries)
	dst = slices.Grow(dst[:0], n)[:n]
	if n == 0 {
		return dst
	}
	if last := entries[n-1]; last.Deleted && now.Sub(last.Recorded) > time.Duration(p.DeletedKeep) {
		for i := range dst {
			dst[i] = Decision{Reason: ReasonExpired}
		}
		return dst
	}
	for i := range entries {
		dst[i] = p.thin(entries, i, now)
	}
	protect(dst, entries)
	return dst
}

// thin decides entries[i] by its age and bucket alone.
func (p *Policy) thin(entries []Entry, i int, now time.Time) Decision {
	t := entries[i].Recorded
	age := now.Sub(t)
	if age < 0 {
		return Decision{Keep: true, Reason: ReasonFuture}
	}
	k := p.tier(age)
	w := p.width(k)
	if w == KeepAll {
		return Decision{Keep: true, Reason: ReasonKeepAll}
	}
	// Entries are sorted and buckets are intervals: when any newer entry
	// shares the bucket, the next one does.
	var next time.Time
	if i+1 < len(entries) {
		next = entries[i+1].Recorded
	}
	start, same := p.bucket(k, t, next, i+1 < len(entries))
	if same {
		return Decision{Reason: ReasonThinned, Width: w, Bucket: start}
	}
	return Decision{Keep: true, Reason: ReasonBucket, Width: w, Bucket: start}
}

// protect keeps what no policy may remove: the newest entry of a live file,
// or the newest marker of a recently deleted file and the last version
// before it. The history of a file deleted longer ago never gets here.
func protect(dst []Decision, entries []Entry) {
	last := len(entries) - 1
	if !entries[last].Deleted {
		keepFor(&dst[last], ReasonNewest)
		return
	}
	keepFor(&dst[last], ReasonDeleted)
	for j := last - 1; j >= 0; j-- {
		if !entries[j].Deleted {
			keepFor(&dst[j], ReasonLastBefore)
			return
		}
	}
}

// keepFor keeps d for reason, unless d is kept for being in the future: that
// says more about the entry (the clock went backwards).
func keepFor(d *Decision, reason string) {
	if d.Reason != ReasonFuture {
		*d = Decision{Keep: true, Reason: reason}
	}
}
