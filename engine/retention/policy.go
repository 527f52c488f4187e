package retention

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidPolicy is returned, wrapped with the list of problems, by
// [Policy.Validate].
var ErrInvalidPolicy = errors.New("invalid retention policy")

// Tier thins the versions whose age is at most Within (and more than the
// previous tier's Within) to the newest one per bucket of width Every.
type Tier struct {
	// Within is the oldest age the tier covers. It must be positive and
	// longer than the previous tier's.
	Within Duration `json:"within"`
	// Every is the bucket width: KeepAll, a duration no longer than Within,
	// or Month. It must not be finer than the previous tier's, because a
	// version never gets back what an earlier prune removed.
	Every Width `json:"every"`
}

// Policy says how the history of every path is thinned. The zero Policy is
// not valid (it has no DeletedKeep); start from [Default].
type Policy struct {
	// Tiers apply in order, youngest first.
	Tiers []Tier `json:"tiers"`
	// Older is the bucket width for versions older than the last tier's
	// Within. Default: Month, so a long-lived file keeps one version per
	// calendar month forever, as CrashPlan does.
	Older Width `json:"older"`
	// DeletedKeep is how long the history of a deleted file is kept after
	// the deletion was recorded. Default: 90 days, long enough to notice a
	// file went missing after a holiday, short enough that space comes back.
	DeletedKeep Duration `json:"deletedKeep"`
}

// Default returns the product's policy: every version from the last 7 days at
// most one per 30 minutes (the interval of a busy document's autosave), one
// per day for 90 days, one per week for a year, one per month after that;
// deleted files go 90 days after their deletion.
func Default() Policy {
	return Policy{
		Tiers: []Tier{
			{Within: Duration(7 * day), Every: Width(30 * time.Minute)},
			{Within: Duration(90 * day), Every: Width(day)},
			{Within: Duration(365 * day), Every: Width(7 * day)},
		},
		Older:       Month,
		DeletedKeep: Duration(90 * day),
	}
}

// Validate reports every problem of the policy at once, in words meant for
// whoever edits the config file. The error wraps [ErrInvalidPolicy].
func (p Policy) Validate() error {
	var problems []string
	for i, t := range p.Tiers {
		problems = append(problems, p.tierProblems(i, t)...)
	}
	if p.Older < 0 && p.Older != Month {
		problems = append(problems, fmt.Sprintf("older: bucket width must not be negative, got %s", p.Older))
	} else if n := len(p.Tiers); n > 0 {
		problems = append(problems, finer("older", p.Older, fmt.Sprintf("tier %d", n), p.Tiers[n-1].Every)...)
	}
	if p.DeletedKeep <= 0 {
		problems = append(problems, fmt.Sprintf("deletedKeep must be positive, got %s", p.DeletedKeep))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidPolicy, strings.Join(problems, "; "))
	}
	return nil
}

func (p Policy) tierProblems(i int, t Tier) []string {
	name := fmt.Sprintf("tier %d", i+1)
	var problems []string
	if t.Within <= 0 {
		problems = append(problems, fmt.Sprintf("%s: within must be positive, got %s", name, t.Within))
	}
	if t.Every < 0 && t.Every != Month {
		problems = append(problems, fmt.Sprintf("%s: every must not be negative, got %s", name, t.Every))
	} else if t.Within > 0 && t.Every.nominal() > time.Duration(t.Within) {
		problems = append(problems, fmt.Sprintf("%s: every %s is longer than within %s", name, t.Every, t.Within))
	}
	if i == 0 {
		return problems
	}
	prev, prevName := p.Tiers[i-1], fmt.Sprintf("tier %d", i)
	if t.Within <= prev.Within {
		problems = append(problems, fmt.Sprintf("%s: within %s must be longer than %s's %s", name, t.Within, prevName, prev.Within))
	}
	return append(problems, finer(name, t.Every, prevName, prev.Every)...)
}

// finer reports a width that is finer than the one before it: a version
// moving on to it would need back versions that were already dropped.
func finer(name string, w Width, prevName string, prev Width) []string {
	switch {
	case prev < 0 && prev != Month, w < 0 && w != Month:
		return nil // reported as negative already
	case w == KeepAll && prev != KeepAll:
		return []string{fmt.Sprintf("%s keeps all versions, but %s already thins to one per %s", name, prevName, prev)}
	case w.nominal() < prev.nominal():
		return []string{fmt.Sprintf("%s: every %s is finer than %s's %s; buckets must not get finer as versions age", name, w, prevName, prev)}
	}
	return nil
}
