package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// Leavers of an organisation that signs in only through its identity
// provider (issue 14). There is no directory to list who left, so at each
// single sign-on the server keeps the provider's refresh token, sealed
// ([oidc] check_refresh), and every SyncInterval asks the provider with it
// whether the person may still sign in: invalid_grant (they left, were
// disabled, or their sessions were revoked) disables the account, and with
// it its device tokens; the new ID token's groups re-read admin rights and
// allowed groups. Disabling follows the directory sync's rules
// (ldapdir.PlanSync): data stays, and a mass removal is refused and
// reported. An account without a refresh token (the provider gives none)
// is cut off only when its person next signs in.

// OIDCCheck configures the periodic check of single sign-on accounts.
type OIDCCheck struct {
	// Refresh asks the provider about a refresh token (oidcrp.RP.Refresh).
	Refresh func(ctx context.Context, refreshToken string) (oidcrp.Refreshed, error)
	// Seal seals the tokens in the records (KEKSealer, LoadRefreshKey).
	Seal RefreshSealer
	// Interval is how often each account is checked ([oidc]
	// sync_interval, default 1 hour); MaxDeactivateFraction the largest
	// share of single sign-on accounts one check may disable (default
	// 0.1).
	Interval              time.Duration
	MaxDeactivateFraction float64
	// Workers bounds the provider requests in flight (default 4: a
	// provider rate-limits its clients, and an hour is long).
	Workers int
}

// WithOIDCCheck turns the check on for the server whose single sign-on
// accounts these are (Options.SSO's argument), and returns them keeping
// each sign-in's refresh token: give the broker what it returns.
func WithOIDCCheck(accounts ssobroker.Accounts, c OIDCCheck) ssobroker.Accounts {
	a, ok := accounts.(ssoAccounts)
	if !ok || c.Refresh == nil || c.Seal == nil {
		return accounts
	}
	if c.Interval <= 0 {
		c.Interval = time.Hour
	}
	if c.MaxDeactivateFraction <= 0 {
		c.MaxDeactivateFraction = 0.1
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	a.s.checks().oidc = &c
	return refreshKeeping{ssoAccounts: a, c: &c}
}

// refreshKeeping is the server's accounts keeping refresh tokens.
type refreshKeeping struct {
	ssoAccounts
	c *OIDCCheck
}

// Allow lets the person in as ssoAccounts does, then keeps their refresh
// token; a token that cannot be kept does not stop the sign-in.
func (a refreshKeeping) Allow(ctx context.Context, who oidcrp.Identity) (ssobroker.AccountRef, error) {
	ref, err := a.ssoAccounts.Allow(ctx, who)
	if err != nil {
		return ref, err
	}
	s := a.s
	if who.RefreshToken == "" {
		s.log.Warn("the identity provider gave no refresh token: this account is cut off only when its person "+
			"next signs in (let the provider issue refresh tokens to Cairn, or use [ldap] or `cairn-server user disable`)",
			"user", ref.Name)
		return ref, nil
	}
	if err := s.keepRefreshToken(ctx, a.c, who.Key(), who.RefreshToken); err != nil {
		s.log.Warn("could not keep a single sign-on refresh token; the account is checked again after its next sign-in",
			"user", ref.Name, "err", err)
	}
	return ref, nil
}

func (s *Server) keepRefreshToken(ctx context.Context, c *OIDCCheck, key, token string) error {
	st, ok := s.rec.(records.OIDCRefreshes)
	if !ok {
		return errors.New("these records keep no refresh tokens")
	}
	sealed, err := c.Seal.Seal([]byte(token), key)
	if err != nil {
		return err
	}
	return st.SetOIDCRefresh(ctx, records.OIDCRefresh{ExternalID: key, Sealed: sealed, Updated: s.o.Now()})
}

// refreshOutcome is what the provider said of one account.
type refreshOutcome struct {
	gone, notAllowed bool // ErrRevoked; a new ID token in no allowed group
	why              string
	admin            *bool // from a new ID token
}

// CheckOIDCAccounts checks at the identity provider each single sign-on
// account whose last check is SyncInterval old, and applies what it says.
// It returns ldapdir.ErrMassRemoval (wrapped) when it refused to disable
// too many at once; a provider that cannot be reached is logged, and its
// accounts are checked again at the next interval.
func (s *Server) CheckOIDCAccounts(ctx context.Context) error {
	c := s.checks().oidc
	st, ok := s.rec.(records.OIDCRefreshes)
	if c == nil || !ok {
		return nil
	}
	tokens, err := st.OIDCRefreshes(ctx)
	if err != nil {
		return fmt.Errorf("single sign-on check: %w", err)
	}
	users, err := s.rec.Users(ctx)
	if err != nil {
		return fmt.Errorf("single sign-on check: %w", err)
	}
	byKey := map[string]records.User{}
	for _, u := range users {
		if u.Source == records.SourceOIDC && u.ExternalID != "" {
			byKey[u.ExternalID] = u
		}
	}
	outcomes := s.refreshDue(ctx, c, st, tokens, byKey)
	return s.applyOIDCOutcomes(ctx, c, st, byKey, outcomes)
}

// refreshDue asks the provider about every token due, a few at a time.
func (s *Server) refreshDue(ctx context.Context, c *OIDCCheck, st records.OIDCRefreshes, tokens []records.OIDCRefresh,
	byKey map[string]records.User) map[string]refreshOutcome {
	now := s.o.Now()
	var mu sync.Mutex
	out := map[string]refreshOutcome{}
	work := make(chan records.OIDCRefresh)
	var wg sync.WaitGroup
	for range c.Workers {
		wg.Go(func() {
			for t := range work {
				if o, ok := s.refreshOne(ctx, c, st, t, now); ok {
					mu.Lock()
					out[t.ExternalID] = o
					mu.Unlock()
				}
			}
		})
	}
	for _, t := range tokens {
		if _, ok := byKey[t.ExternalID]; !ok {
			st.DeleteOIDCRefresh(ctx, t.ExternalID, t.Sealed) // the account is gone
			continue
		}
		if now.Sub(t.Checked) < c.Interval {
			continue
		}
		select {
		case work <- t:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return out
}

// refreshOne asks about one token, if this node claims it first; ok false:
// nothing known.
func (s *Server) refreshOne(ctx context.Context, c *OIDCCheck, st records.OIDCRefreshes, t records.OIDCRefresh,
	now time.Time) (refreshOutcome, bool) {
	if ctx.Err() != nil {
		return refreshOutcome{}, false
	}
	if won, err := st.ClaimOIDCRefresh(ctx, t.ExternalID, t.Checked, now); !won || err != nil {
		return refreshOutcome{}, false
	}
	plain, err := c.Seal.Open(t.Sealed, t.ExternalID)
	if err != nil {
		s.log.Warn("a single sign-on refresh token does not open (the key changed?); "+
			"the account is checked again after its next sign-in", "err", err)
		st.DeleteOIDCRefresh(ctx, t.ExternalID, t.Sealed)
		return refreshOutcome{}, false
	}
	r, err := c.Refresh(ctx, string(plain))
	if errors.Is(err, oidcrp.ErrRevoked) {
		return refreshOutcome{gone: true, why: "the identity provider no longer lets this person sign in (they left, " +
			"were disabled, or their sessions were revoked)"}, true
	}
	if r.RefreshToken != "" && r.RefreshToken != string(plain) {
		s.keepRotated(ctx, c, st, t, r.RefreshToken, now)
	}
	if r.HasIdentity && r.Identity.Key() != t.ExternalID {
		s.log.Warn("the identity provider's refreshed ID token names someone else; ignored")
		return refreshOutcome{}, false
	}
	switch {
	case errors.Is(err, oidcrp.ErrNotAllowed) && r.HasIdentity:
		return refreshOutcome{notAllowed: true, why: err.Error()}, true
	case err != nil:
		s.log.Warn("the identity provider could not be asked about an account; it is asked again at the next check",
			"err", err, "in", c.Interval)
		return refreshOutcome{}, false
	case r.HasIdentity:
		admin := r.Identity.Admin
		return refreshOutcome{admin: &admin}, true
	}
	return refreshOutcome{}, true
}

// keepRotated stores the token the provider gave in place of the one
// used, unless a sign-in stored another meanwhile.
func (s *Server) keepRotated(ctx context.Context, c *OIDCCheck, st records.OIDCRefreshes, t records.OIDCRefresh,
	token string, now time.Time) {
	sealed, err := c.Seal.Seal([]byte(token), t.ExternalID)
	if err == nil {
		_, err = st.ReplaceOIDCRefresh(ctx, t.ExternalID, t.Sealed, sealed, now)
	}
	if err != nil {
		s.log.Warn("could not keep a rotated single sign-on refresh token", "err", err)
	}
}

// applyOIDCOutcomes plans as the directory sync does, with the people the
// provider vouched for; an account not asked this time keeps its state.
func (s *Server) applyOIDCOutcomes(ctx context.Context, c *OIDCCheck, st records.OIDCRefreshes,
	byKey map[string]records.User, outcomes map[string]refreshOutcome) error {
	var accounts []ldapdir.Account
	var people []ldapdir.Person
	for key, u := range byKey {
		accounts = append(accounts, ldapdir.Account{ID: key, Name: u.Name, Admin: u.Admin, Disabled: u.Disabled,
			DisabledBySync: u.SyncDisabled})
		p := ldapdir.Person{ID: key, Name: u.Name, Admin: u.Admin, Allowed: !u.Disabled}
		o, asked := outcomes[key]
		switch {
		case asked && o.gone:
			continue // not found: disabled
		case asked && o.notAllowed:
			p.Allowed = false
		case asked:
			p.Allowed = true
			if o.admin != nil {
				p.Admin = *o.admin
			}
		}
		people = append(people, p)
	}
	plan, planErr := ldapdir.PlanSync(accounts, people, c.MaxDeactivateFraction)
	if planErr != nil {
		planErr = fmt.Errorf("single sign-on check: %w", planErr)
		s.log.Error("the single sign-on check refused to disable accounts", "err", planErr)
		s.audit(ctx, records.AuditEntry{Actor: "single sign-on", Action: "sync.refused", Detail: planErr.Error()})
	}
	for _, ch := range plan.Changes {
		if o := outcomes[ch.ID]; ch.Disable && o.why != "" {
			ch.Reason = o.why
		}
		s.applySyncChange(ctx, byKey[ch.ID], ch)
		if ch.Disable && outcomes[ch.ID].gone {
			st.DeleteOIDCRefresh(ctx, ch.ID, nil) // it works no more
		}
	}
	return planErr
}

// oidcCheckLoop checks the single sign-on accounts until ctx ends, a
// quarter of the interval apart, so that the accounts' checks spread over
// it.
func (s *Server) oidcCheckLoop(ctx context.Context) {
	c := s.checks().oidc
	if c == nil {
		return
	}
	every := max(c.Interval/4, time.Minute)
	for {
		if err := s.CheckOIDCAccounts(ctx); err != nil && !errors.Is(err, ldapdir.ErrMassRemoval) && ctx.Err() == nil {
			s.log.Error("the single sign-on check failed; it will be tried again", "err", err, "in", every)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
