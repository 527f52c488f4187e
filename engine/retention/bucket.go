package retention

import "time"

// origin is where fixed-width buckets are counted from: Monday
// 1970-01-05T00:00:00Z, in seconds since the Unix epoch. It is a midnight and
// a Monday, so 24h buckets are UTC days and 168h buckets are ISO weeks.
const origin = 4 * 24 * 60 * 60

// index numbers the bucket of width w that holds t. w is Month or positive.
// Widths of whole seconds work for any time; others (which no sensible
// policy has) only between the years 1678 and 2262, as time.UnixNano does.
func (w Width) index(t time.Time) int64 {
	if w == Month {
		y, m, _ := t.UTC().Date()
		return int64(y)*12 + int64(m) - 1
	}
	if w%Width(time.Second) == 0 {
		return floorDiv(t.Unix()-origin, int64(w)/int64(time.Second))
	}
	return floorDiv(t.UnixNano()-origin*int64(time.Second), int64(w))
}

// start returns the beginning of bucket i of width w.
func (w Width) start(i int64) time.Time {
	if w == Month {
		return time.Date(int(floorDiv(i, 12)), time.Month(i-floorDiv(i, 12)*12+1), 1, 0, 0, 0, 0, time.UTC)
	}
	if w%Width(time.Second) == 0 {
		return time.Unix(origin+i*(int64(w)/int64(time.Second)), 0).UTC()
	}
	return time.Unix(0, origin*int64(time.Second)+i*int64(w)).UTC()
}

// nestsIn reports whether every bucket of width w lies inside one bucket of
// width outer, so that comparing at w makes comparing at outer unnecessary.
func (w Width) nestsIn(outer Width) bool {
	switch {
	case w == outer:
		return true
	case w <= 0: // Month (or invalid) nests only in itself
		return false
	case outer == Month: // months begin at midnight, where w's buckets break
		return Width(day)%w == 0
	case outer > 0:
		return outer%w == 0
	}
	return false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// width returns the bucket width of tier k, where k == len(p.Tiers) is the
// tier of versions older than all tiers.
func (p *Policy) width(k int) Width {
	if k < len(p.Tiers) {
		return p.Tiers[k].Every
	}
	return p.Older
}

// tier returns the index of the tier that holds a version of the given age
// (age >= 0).
func (p *Policy) tier(age time.Duration) int {
	for k, t := range p.Tiers {
		if age <= time.Duration(t.Within) {
			return k
		}
	}
	return len(p.Tiers)
}

// bucket returns the beginning of t's bucket in tier k, and whether next
// (when hasNext) falls in the same bucket.
//
// A tier's bucket is cut by the buckets of its own width and of every older
// tier's, so that it lies inside the bucket the entry will move to as it
// ages; it begins at the latest of their beginnings. KeepAll cuts nothing
// for an older tier, and a width whose buckets contain tier k's need not be
// checked.
func (p *Policy) bucket(k int, t, next time.Time, hasNext bool) (start time.Time, same bool) {
	same = hasNext
	base := p.width(k)
	for j := k; j <= len(p.Tiers); j++ {
		w := p.width(j)
		if w == KeepAll || (j > k && base.nestsIn(w)) {
			continue
		}
		i := w.index(t)
		if s := w.start(i); s.After(start) {
			start = s
		}
		same = same && w.index(next) == i
	}
	return start, same
}
