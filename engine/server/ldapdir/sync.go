package ldapdir

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Account is a directory account as the server's records keep it.
type Account struct {
	ID       string // the directory's permanent identity
	Name     string
	Admin    bool
	Disabled bool
	// DisabledBySync: the sync disabled it (not an administrator), so the
	// sync enables it again when the person is back.
	DisabledBySync bool
}

// Change is what the sync does to one account.
type Change struct {
	ID, Name string
	// Disable or Enable the account; Reason says why, for the log.
	Disable, Enable bool
	Reason          string
	// Admin, when not nil, is the account's new admin right.
	Admin *bool
	// Rename is the new sign-in name, when the directory's changed.
	Rename string
}

// Plan is one sync's changes.
type Plan struct {
	Changes []Change
	// Deactivations counts the accounts the directory would disable;
	// Active the accounts active before the sync.
	Deactivations, Active int
}

// ErrMassRemoval: the sync would disable more accounts than the configured
// share at once. Nothing is disabled; the rest of the plan applies.
var ErrMassRemoval = errors.New("the directory sync would disable too many accounts at once")

// PlanSync compares the records' directory accounts with the people the
// directory lists now. A person missing, disabled or in no allowed group is
// disabled (never deleted: their data stays until an administrator
// decides); admin rights and names follow the directory; an account the
// sync disabled is enabled again when its person is back. When more than
// maxFraction of the active accounts (at least one) would be disabled, the
// plan holds no disabling and the error is ErrMassRemoval with the count.
func PlanSync(accounts []Account, people []Person, maxFraction float64) (Plan, error) {
	byID := make(map[string]Person, len(people))
	for _, p := range people {
		byID[p.ID] = p
	}
	var plan Plan
	for _, a := range accounts {
		if !a.Disabled {
			plan.Active++
		}
		p, found := byID[a.ID]
		if reason := goneReason(p, found); reason != "" {
			if !a.Disabled {
				plan.Deactivations++
				plan.Changes = append(plan.Changes, Change{ID: a.ID, Name: a.Name, Disable: true, Reason: reason})
			}
			continue
		}
		if c, ok := follow(a, p); ok {
			plan.Changes = append(plan.Changes, c)
		}
	}
	sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Name < plan.Changes[j].Name })
	limit := max(1, int(math.Floor(maxFraction*float64(plan.Active))))
	if plan.Deactivations > limit {
		kept := plan.Changes[:0]
		for _, c := range plan.Changes {
			if !c.Disable {
				kept = append(kept, c)
			}
		}
		plan.Changes = kept
		return plan, fmt.Errorf("%w: %d of %d active accounts, more than the %d that max_deactivate_fraction allows; "+
			"check the [ldap] filter and groups, and if this is right raise max_deactivate_fraction for one sync",
			ErrMassRemoval, plan.Deactivations, plan.Active, limit)
	}
	return plan, nil
}

// goneReason says why a person may no longer use the service, or "".
func goneReason(p Person, found bool) string {
	switch {
	case !found:
		return "no longer in the directory (or no longer found by user_filter)"
	case p.Disabled:
		return "disabled in the directory"
	case !p.Allowed:
		return "in none of the allowed groups"
	}
	return ""
}

// follow makes an account follow its person: enabled again, admin, name.
func follow(a Account, p Person) (Change, bool) {
	c := Change{ID: a.ID, Name: a.Name}
	changed := false
	if a.Disabled && a.DisabledBySync {
		c.Enable, c.Reason, changed = true, "back in the directory and an allowed group", true
	}
	if p.Admin != a.Admin {
		admin := p.Admin
		c.Admin, changed = &admin, true
	}
	if p.Name != "" && p.Name != a.Name {
		c.Rename, changed = p.Name, true
	}
	return c, changed
}
