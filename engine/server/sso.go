package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// Single sign-on (Options.SSO): the broker (package ssobroker) runs the
// flows with the organisation's identity provider and the clients; the
// server answers who an identity is (an account keyed on issuer and
// subject, made at the first sign-in) and issues device tokens as after a
// password.

// ssoAccounts is the server as the broker's Accounts.
type ssoAccounts struct{ s *Server }

// Allow finds or makes the account of an identity the provider vouched
// for (the broker has checked the allowed groups already).
func (a ssoAccounts) Allow(ctx context.Context, who oidcrp.Identity) (ssobroker.AccountRef, error) {
	s := a.s
	u, err := s.rec.UserByExternal(ctx, records.SourceOIDC, who.Key())
	if errors.Is(err, records.ErrNotFound) {
		u, err = s.newSSOAccount(ctx, who)
	}
	if err != nil {
		return ssobroker.AccountRef{}, err
	}
	if u.Disabled && !u.SyncDisabled {
		return ssobroker.AccountRef{}, &ssobroker.APIError{Status: http.StatusForbidden, Code: "disabled",
			Message: "your account is disabled; ask the server's administrator"}
	}
	var c records.UserChange
	if u.Admin != who.Admin {
		c.Admin = &who.Admin
	}
	if u.Disabled { // disabled by a sync, and the provider lets them in again
		no := false
		c.Disabled, c.SyncDisabled = &no, &no
	}
	if c != (records.UserChange{}) {
		if err := s.rec.UpdateUser(ctx, u.Name, c); err != nil {
			return ssobroker.AccountRef{}, err
		}
	}
	return ssobroker.AccountRef{ID: strconv.FormatInt(u.ID, 10), Name: u.Name}, nil
}

// newSSOAccount makes the account of an identity at its first sign-in,
// named after its user name claim (or e-mail), with a number added when a
// local or directory account has the name already.
func (s *Server) newSSOAccount(ctx context.Context, who oidcrp.Identity) (records.User, error) {
	base, err := records.UserName(ssoName(who))
	if err != nil {
		return records.User{}, &ssobroker.APIError{Status: http.StatusForbidden, Code: "bad_name", Message: fmt.Sprintf(
			"your organisation's sign-in gave no name Cairn can use (%q); ask your IT department", ssoName(who))}
	}
	for i := 1; i <= 20; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		u, err := s.rec.AddUser(ctx, records.User{Name: name, Source: records.SourceOIDC, ExternalID: who.Key(),
			Admin: who.Admin, Created: s.o.Now()})
		if errors.Is(err, records.ErrExists) {
			if u, ferr := s.rec.UserByExternal(ctx, records.SourceOIDC, who.Key()); ferr == nil {
				return u, nil // made by a sign-in running at the same time
			}
			continue
		}
		if err == nil {
			s.log.Info("account made at its first single sign-on", "user", name)
		}
		return u, err
	}
	return records.User{}, fmt.Errorf("no free account name for %s", base)
}

func ssoName(who oidcrp.Identity) string {
	if who.Name != "" {
		return who.Name
	}
	name, _, _ := strings.Cut(who.Email, "@")
	return name
}

// IssueToken registers the device and issues its token.
func (a ssoAccounts) IssueToken(ctx context.Context, acct ssobroker.AccountRef, dev ssobroker.DeviceRequest) (ssobroker.TokenAnswer, error) {
	s := a.s
	u, err := s.ssoUser(ctx, acct)
	if err != nil {
		return ssobroker.TokenAnswer{}, err
	}
	req := signinRequest{Device: dev.Device, OS: dev.OS, Adopt: dev.Adopt}
	if err := checkLabel("device", req.Device, 128, true); err != nil {
		return ssobroker.TokenAnswer{}, brokerError(err)
	}
	if err := checkLabel("os", req.OS, 64, false); err != nil {
		return ssobroker.TokenAnswer{}, brokerError(err)
	}
	out, err := s.newDeviceToken(ctx, u, req)
	if err != nil {
		return ssobroker.TokenAnswer{}, brokerError(err)
	}
	return ssobroker.TokenAnswer{Token: out.Token, DeviceID: out.DeviceID, ServerTime: out.ServerTime}, nil
}

// Devices lists the account's devices for the replace-device wizard's
// sign-in, as POST /api/v1/signin/devices does after a password.
func (a ssoAccounts) Devices(ctx context.Context, acct ssobroker.AccountRef) ([]ssobroker.DeviceInfo, error) {
	u, err := a.s.ssoUser(ctx, acct)
	if err != nil {
		return nil, err
	}
	ds, err := a.s.rec.Devices(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]ssobroker.DeviceInfo, 0, len(ds))
	for _, d := range ds {
		out = append(out, ssobroker.DeviceInfo{ID: d.ID, Name: d.Name, OS: d.OS, Created: unixNS(d.Created),
			LastSeen: unixNS(d.LastSeen), LastUpload: unixNS(d.LastUpload), Bytes: d.Bytes, Objects: d.Objects,
			Retired: unixNS(d.Retired)})
	}
	return out, nil
}

// ssoUser is the account a grant names, still enabled.
func (s *Server) ssoUser(ctx context.Context, acct ssobroker.AccountRef) (records.User, error) {
	u, err := s.rec.User(ctx, acct.Name)
	if err != nil || strconv.FormatInt(u.ID, 10) != acct.ID {
		return records.User{}, &ssobroker.APIError{Status: http.StatusNotFound, Code: "not_found",
			Message: "the account of this sign-in is gone; sign in again"}
	}
	if u.Disabled {
		return records.User{}, &ssobroker.APIError{Status: http.StatusForbidden, Code: "disabled",
			Message: "your account is disabled; ask the server's administrator"}
	}
	return u, nil
}

// brokerError passes the server's refusals on in the broker's form.
func brokerError(err error) error {
	var e *apiError
	if errors.As(err, &e) {
		return &ssobroker.APIError{Status: e.status, Code: e.code, Message: e.msg}
	}
	return err
}
