package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// Accounts from the organisation's directory (Options.Directory): a person
// the directory lets use the service signs in with their usual name and
// password; their account is made at the first sign-in, keyed on the
// directory's permanent identity, and follows the directory (admin rights,
// renames) at each sign-in and at each sync. No directory password is ever
// stored or logged: the directory checks it.

// directoryFailures is the most failed sign-ins an hour the server sends
// the directory for one person from addresses they have not signed in from:
// below the lock-out threshold organisations set (Active Directory's are
// commonly 5 to 10 in 15 to 30 minutes), so repeated failures through Cairn
// cannot lock a person out of their organisation's account.
const directoryFailures = 4

// usesDirectory reports whether an attempt's password is the directory's:
// an account that came from it, or a name no local account has.
func (s *Server) usesDirectory(a signinAttempt) bool {
	if s.o.Directory == nil {
		return false
	}
	return !a.exists || a.user.Source == records.SourceLDAP
}

// directorySignin checks name and password against the directory and
// returns the person's account, made or brought up to date. A refusal is
// an *apiError in words; ok false with a nil error is a wrong name or
// password.
func (s *Server) directorySignin(ctx context.Context, name, password string) (records.User, bool, error) {
	select {
	case s.hashing <- struct{}{}: // directory checks share the password checks' slots
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return records.User{}, false, ctx.Err()
	}
	p, err := s.o.Directory.Authenticate(ctx, name, password)
	switch {
	case errors.Is(err, ldapdir.ErrCredentials):
		return records.User{}, false, nil
	case errors.Is(err, ldapdir.ErrNotAllowed), errors.Is(err, ldapdir.ErrDisabled):
		if u, lerr := s.rec.UserByExternal(ctx, records.SourceLDAP, p.ID); lerr == nil && !u.Disabled {
			s.disableForDirectory(ctx, u, err.Error())
		}
		return records.User{}, true, &apiError{http.StatusForbidden, "disabled", err.Error()}
	case err != nil:
		s.log.Error("the directory could not check a sign-in", "err", err)
		return records.User{}, true, &apiError{http.StatusServiceUnavailable, "directory_unavailable", ldapdir.ErrUnavailable.Error()}
	}
	u, err := s.directoryAccount(ctx, p)
	if err == nil {
		s.confirmPeople([]ldapdir.Person{p}, s.o.Now())
	}
	return u, err == nil, err
}

// directoryAccount finds or makes the account of a person the directory
// let in, and makes it follow the directory.
func (s *Server) directoryAccount(ctx context.Context, p ldapdir.Person) (records.User, error) {
	name, err := records.UserName(p.Name)
	if err != nil {
		return records.User{}, &apiError{http.StatusForbidden, "bad_name", fmt.Sprintf(
			"your directory name %q cannot be a Cairn account name; ask your IT department", p.Name)}
	}
	u, err := s.rec.UserByExternal(ctx, records.SourceLDAP, p.ID)
	if errors.Is(err, records.ErrNotFound) {
		u, err = s.rec.AddUser(ctx, records.User{Name: name, Source: records.SourceLDAP, ExternalID: p.ID,
			Admin: p.Admin, Created: s.o.Now()})
		if errors.Is(err, records.ErrExists) {
			return records.User{}, &apiError{http.StatusConflict, "name_taken", fmt.Sprintf(
				"the server has another account called %s already; ask the server's administrator", name)}
		}
		if err == nil {
			s.log.Info("account made at its first sign-in from the directory", "user", name)
		}
		return u, err
	}
	if err != nil {
		return records.User{}, err
	}
	var c records.UserChange
	if u.Admin != p.Admin {
		c.Admin = &p.Admin
	}
	if u.Name != name {
		c.Name = &name
	}
	if u.Disabled && u.SyncDisabled {
		no := false
		c.Disabled, c.SyncDisabled = &no, &no
	}
	if c != (records.UserChange{}) {
		if err := s.rec.UpdateUser(ctx, u.Name, c); err != nil {
			return records.User{}, err
		}
		if u, err = s.rec.UserByExternal(ctx, records.SourceLDAP, p.ID); err != nil {
			return records.User{}, err
		}
	}
	return u, nil
}

// disableForDirectory disables an account because the directory says its
// person may no longer use the service; its data stays.
func (s *Server) disableForDirectory(ctx context.Context, u records.User, why string) {
	yes := true
	if err := s.rec.UpdateUser(ctx, u.Name, records.UserChange{Disabled: &yes, SyncDisabled: &yes}); err != nil {
		s.log.Error("could not disable an account the directory no longer allows", "user", u.Name, "err", err)
		return
	}
	s.log.Warn("account disabled: the directory no longer allows it (its data stays)", "user", u.Name, "why", why)
	s.audit(ctx, records.AuditEntry{Actor: "directory", Action: "user.disable", Target: u.Name, Detail: why})
}

// audit writes to the web pages' audit log when the records keep one.
func (s *Server) audit(ctx context.Context, e records.AuditEntry) {
	a, ok := s.rec.(interface {
		AddAudit(ctx context.Context, e records.AuditEntry) error
	})
	if !ok {
		return
	}
	e.At = s.o.Now()
	if err := a.AddAudit(ctx, e); err != nil {
		s.log.Warn("could not write the audit log", "err", err)
	}
}

// SyncDirectory compares the directory's people with the directory
// accounts: it disables those who left (never deleting their data),
// re-enables those who came back, and follows admin rights and renames. A
// mass removal is refused and reported (ldapdir.PlanSync).
func (s *Server) SyncDirectory(ctx context.Context) error {
	if s.o.Directory == nil {
		return nil
	}
	listed := s.o.Now()
	people, err := s.o.Directory.People(ctx)
	if err != nil {
		return fmt.Errorf("directory sync: %w", err)
	}
	users, err := s.rec.Users(ctx)
	if err != nil {
		return fmt.Errorf("directory sync: %w", err)
	}
	var accounts []ldapdir.Account
	byID := map[string]records.User{}
	for _, u := range users {
		if u.Source == records.SourceLDAP && u.ExternalID != "" {
			accounts = append(accounts, ldapdir.Account{ID: u.ExternalID, Name: u.Name, Admin: u.Admin,
				Disabled: u.Disabled, DisabledBySync: u.SyncDisabled})
			byID[u.ExternalID] = u
		}
	}
	plan, planErr := ldapdir.PlanSync(accounts, people, s.o.Directory.Config().MaxDeactivateFraction)
	s.confirmPeople(people, listed) // their tokens need no lookup for an interval (directory_check.go)
	s.checks().dir.setMassRefused(planErr != nil)
	if planErr != nil {
		s.log.Error("directory sync refused to disable accounts", "err", planErr)
		s.audit(ctx, records.AuditEntry{Actor: "directory", Action: "sync.refused", Detail: planErr.Error()})
	}
	for _, c := range plan.Changes {
		s.applySyncChange(ctx, byID[c.ID], c)
	}
	return planErr
}

func (s *Server) applySyncChange(ctx context.Context, u records.User, c ldapdir.Change) {
	if c.Disable {
		s.disableForDirectory(ctx, u, c.Reason)
		return
	}
	var ch records.UserChange
	ch.Admin = c.Admin
	if c.Enable {
		no := false
		ch.Disabled, ch.SyncDisabled = &no, &no
	}
	if c.Rename != "" {
		if n, err := records.UserName(c.Rename); err == nil && n != u.Name {
			ch.Name = &n
		}
	}
	if ch == (records.UserChange{}) {
		return
	}
	if err := s.rec.UpdateUser(ctx, u.Name, ch); err != nil {
		s.log.Error("directory sync could not update an account", "user", u.Name, "err", err)
		return
	}
	s.log.Info("directory sync updated an account", "user", u.Name, "enabled", c.Enable,
		"admin", c.Admin != nil && *c.Admin, "renamed", strings.TrimSpace(c.Rename))
}

// syncLoop syncs the directory at its interval until ctx ends.
func (s *Server) syncLoop(ctx context.Context) {
	if s.o.Directory == nil {
		return
	}
	every := s.o.Directory.Config().SyncInterval.Duration
	for {
		if err := s.SyncDirectory(ctx); err != nil && !errors.Is(err, ldapdir.ErrMassRemoval) && ctx.Err() == nil {
			s.log.Error("directory sync failed; it will be tried again", "err", err, "in", every)
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
