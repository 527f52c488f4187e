package alerts

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// due returns the alerts whose conditions hold and that may be shown, most
// important first.
func (a *Alerter) due(o Observation) []candidate {
	unreachable, outage := a.unreachable(o)
	var due []candidate
	if !outage {
		if c, ok := a.noBackup(o); ok {
			due = append(due, c)
		}
	}
	due = append(due, unreachable...)
	if c, ok := a.unreadable(o); ok {
		due = append(due, c)
	}
	return due
}

// noBackup is due when the service ran for Policy.NoBackupAfter without
// completing a pass.
func (a *Alerter) noBackup(o Observation) (candidate, bool) {
	const key = "no-backup"
	nb := a.mem.NoBackup
	if nb.Ran < a.p.NoBackupAfter || !a.mayRepeat(key, nb.Since, o.Now) {
		return candidate{}, false
	}
	return candidate{Alert: noBackupAlert(key, days(nb.Ran), o.LastComplete.IsZero()), episode: nb.Since}, true
}

// unreachable returns the destinations that have not answered for
// Policy.UnreachableAfter and may be named now, and whether any has not
// answered for that long (an outage, which the no-backup alert leaves to
// them). A destination is named no sooner than Policy.Repeat after the
// no-backup alert, so that the one follows the other rather than doubling it.
func (a *Alerter) unreachable(o Observation) (due []candidate, outage bool) {
	ds := slices.Clone(o.Destinations)
	slices.SortFunc(ds, func(x, y DestinationSeen) int { return strings.Compare(x.Name, y.Name) })
	nb, nbShown := a.mem.Last["no-backup"]
	for _, d := range ds {
		since := d.LastReached
		if since.IsZero() {
			since = a.mem.DownSince[d.Name]
		}
		if d.Reachable || since.IsZero() || o.Now.Sub(since) < a.p.UnreachableAfter {
			continue
		}
		outage = true
		key := "unreachable:" + d.Name
		if !a.mayRepeat(key, since, o.Now) || nbShown && o.Now.Sub(nb.At) < a.p.Repeat {
			continue
		}
		due = append(due, candidate{Alert: unreachableAlert(key, d.Name, days(o.Now.Sub(since)), d.LastReached.IsZero()),
			episode: since})
	}
	// The least recently named first, so that with more destinations down
	// than the daily budget allows, each gets its turn.
	slices.SortStableFunc(due, func(x, y candidate) int { return cmp.Compare(a.mem.Last[x.Key].Seq, a.mem.Last[y.Key].Seq) })
	return due, outage
}

// unreadable is due when files that were not in an alert before could not
// be read. Showing it remembers every file of the pass; a file not seen
// unreadable for Policy.Repeat is forgotten, so that it counts as new if it
// breaks again.
func (a *Alerter) unreadable(o Observation) (candidate, bool) {
	const key = "unreadable"
	seen := map[string]bool{}
	var fresh []string
	for _, p := range o.Unreadable {
		if seen[p] {
			continue
		}
		seen[p] = true
		if _, ok := a.mem.Unreadable[p]; ok {
			a.mem.Unreadable[p] = o.Now
		} else {
			fresh = append(fresh, p)
		}
	}
	for p, last := range a.mem.Unreadable {
		if !seen[p] && o.Now.Sub(last) >= a.p.Repeat {
			delete(a.mem.Unreadable, p)
		}
	}
	if len(fresh) == 0 || !a.mayRepeat(key, time.Time{}, o.Now) {
		return candidate{}, false
	}
	slices.Sort(fresh)
	return candidate{Alert: unreadableAlert(key, fresh), onShown: func() {
		for _, p := range fresh {
			a.mem.Unreadable[p] = o.Now
		}
	}}, true
}

// days is d in whole days, at least 1.
func days(d time.Duration) int { return max(1, int(d/(24*time.Hour))) }
