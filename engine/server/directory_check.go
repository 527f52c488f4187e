package server

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// The check at token use (issue 14): a device token of a directory account
// works only while the directory confirmed its person within the sync
// interval. The sync confirms everyone it lists; an account it has not
// confirmed (the last sync failed, or it is newer than the sync) is looked
// up by its permanent identity at its next request, once per interval, and
// disabled when its person left. A directory that cannot be reached locks
// no one out: the request goes on and the lookup is tried again after a
// short backoff.

// lookupBackoff is how long after a failed (or running) lookup the same
// account is not looked up again: short, so a directory back up is asked
// soon, long enough that a down directory is not asked at every request.
const lookupBackoff = time.Minute

// maxConfirmed bounds the confirmations a node remembers; past it they are
// forgotten at once (each account then costs one lookup more).
const maxConfirmed = 200_000

// directoryCheck is one server's memory, per node, of when the directory
// last confirmed each directory account.
type directoryCheck struct {
	mu        sync.Mutex
	confirmed map[string]time.Time // external ID → when the directory last said yes
	notBefore map[string]time.Time // external ID → no lookup before (backoff, or one running)
	// accounts caches where each account comes from: a token's session
	// does not say, and asking the records at every request would cost.
	accounts map[int64]accountSource
	// massRefused: the last sync refused a mass removal. Lookups use the
	// same filter, so until a sync succeeds they do not disable either.
	massRefused bool
}

func (c *directoryCheck) confirm(id string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.confirmed) >= maxConfirmed {
		clear(c.confirmed)
	}
	c.confirmed[id] = at
	delete(c.notBefore, id)
}

// due reports whether the account needs a lookup now, and if so reserves
// it, so that requests arriving at once make one lookup.
func (c *directoryCheck) due(id string, now time.Time, every time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at, ok := c.confirmed[id]; ok && now.Sub(at) < every {
		return false
	}
	if nb, ok := c.notBefore[id]; ok && now.Before(nb) {
		return false
	}
	if len(c.notBefore) >= maxConfirmed {
		clear(c.notBefore)
	}
	c.notBefore[id] = now.Add(lookupBackoff)
	return true
}

// accountSource is where an account comes from, as of its name.
type accountSource struct{ name, source, externalID string }

func (c *directoryCheck) source(u records.User) (accountSource, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.accounts[u.ID]
	return a, ok && a.name == u.Name
}

func (c *directoryCheck) remember(u records.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.accounts) >= maxConfirmed {
		clear(c.accounts)
	}
	c.accounts[u.ID] = accountSource{u.Name, u.Source, u.ExternalID}
}

func (c *directoryCheck) setMassRefused(v bool) {
	c.mu.Lock()
	c.massRefused = v
	c.mu.Unlock()
}

func (c *directoryCheck) refusing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.massRefused
}

// checkDirectoryAccount is the check at token use: nil when the request
// may go on, the "disabled" answer when the directory says the person
// left.
func (s *Server) checkDirectoryAccount(ctx context.Context, u records.User) error {
	if s.o.Directory == nil {
		return nil
	}
	c, now := &s.checks().dir, s.o.Now()
	src, ok := c.source(u)
	if !ok {
		full, err := s.rec.User(ctx, u.Name)
		if err != nil {
			return nil // the handler finds out what is wrong
		}
		c.remember(full)
		src = accountSource{full.Name, full.Source, full.ExternalID}
	}
	if src.source != records.SourceLDAP || src.externalID == "" {
		return nil
	}
	u.Source, u.ExternalID = src.source, src.externalID
	if !c.due(u.ExternalID, now, s.o.Directory.Config().SyncInterval.Duration) {
		return nil
	}
	_, err := s.o.Directory.Lookup(ctx, u.ExternalID)
	switch {
	case err == nil:
		c.confirm(u.ExternalID, now)
		return nil
	case errors.Is(err, ldapdir.ErrGone), errors.Is(err, ldapdir.ErrDisabled), errors.Is(err, ldapdir.ErrNotAllowed):
		if c.refusing() {
			s.log.Warn("the directory no longer lists an account, but the last sync refused a mass removal: "+
				"it stays enabled until a sync succeeds", "user", u.Name, "why", err)
			return nil
		}
		s.disableForDirectory(ctx, u, err.Error())
		return &apiError{http.StatusForbidden, "disabled", err.Error()}
	default:
		s.log.Warn("the directory could not confirm an account at its token's use; it goes on, and is asked again later",
			"user", u.Name, "err", err, "in", lookupBackoff)
		return nil
	}
}

// confirmPeople records that a sync found these people allowed.
func (s *Server) confirmPeople(people []ldapdir.Person, at time.Time) {
	c := &s.checks().dir
	for _, p := range people {
		if p.ID != "" && p.Allowed && !p.Disabled {
			c.confirm(p.ID, at)
		}
	}
}

// serverChecks is what the leaver checks of one server keep in memory.
type serverChecks struct {
	dir  directoryCheck
	oidc *OIDCCheck // set by WithOIDCCheck; nil: no refresh check
}

func newServerChecks() *serverChecks {
	return &serverChecks{dir: directoryCheck{
		confirmed: map[string]time.Time{}, notBefore: map[string]time.Time{}, accounts: map[int64]accountSource{}}}
}

func (s *Server) checks() *serverChecks { return s.leavers }
