package oidcrp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

func TestHostedDomainIsTheHDClaim(t *testing.T) {
	w := newWorld(t, func(c *oidcrp.Config) { c.HostedDomain = "example.org" })
	w.p.AddUser("ada", "ada-pw", "backup-users")
	w.p.SetHostedDomain("ada", "example.org")
	if _, err := w.signIn(t, "ada", "ada-pw"); err != nil {
		t.Fatalf("ada of example.org: %v", err)
	}
	// eve's e-mail ends in @example.org too, but her account is not the
	// domain's: the e-mail suffix proves nothing.
	w.p.AddUser("eve", "eve-pw", "backup-users")
	if _, err := w.signIn(t, "eve", "eve-pw"); !errors.Is(err, oidcrp.ErrWrongDomain) || !errors.Is(err, oidcrp.ErrNotAllowed) {
		t.Errorf("no hd claim: %v", err)
	}
	w.p.SetHostedDomain("eve", "example.com")
	if _, err := w.signIn(t, "eve", "eve-pw"); !errors.Is(err, oidcrp.ErrWrongDomain) {
		t.Errorf("another domain: %v", err)
	}
}

func TestGroupsOverageIsRefusedInWords(t *testing.T) {
	w := newWorld(t, nil)
	w.p.AddUser("ada", "ada-pw", "backup-users")
	w.p.SetGroupsOverage("ada", true)
	_, err := w.signIn(t, "ada", "ada-pw")
	if !errors.Is(err, oidcrp.ErrGroupsOverage) || !strings.Contains(err.Error(), "assigned to the application") {
		t.Fatalf("groups overage: %v", err)
	}
	// Without allowed or admin groups the groups do not matter.
	free := newWorld(t, func(c *oidcrp.Config) { c.AllowedGroups, c.AdminGroups = nil, nil })
	free.p.AddUser("ada", "ada-pw")
	free.p.SetGroupsOverage("ada", true)
	if _, err := free.signIn(t, "ada", "ada-pw"); err != nil {
		t.Errorf("no groups configured: %v", err)
	}
}

func TestRefreshSaysWhoMayStillSignIn(t *testing.T) {
	w := newWorld(t, func(c *oidcrp.Config) { c.CheckRefresh = true })
	w.p.AddUser("ada", "ada-pw", "backup-users")
	who, err := w.signIn(t, "ada", "ada-pw")
	if err != nil || who.RefreshToken == "" {
		t.Fatalf("sign-in: %v, refresh token %q", err, who.RefreshToken)
	}
	ctx := context.Background()
	r, err := w.rp.Refresh(ctx, who.RefreshToken)
	if err != nil || !r.HasIdentity || r.Identity.Subject != who.Subject || r.RefreshToken == "" ||
		r.RefreshToken == who.RefreshToken {
		t.Fatalf("refresh: %v %+v", err, r)
	}
	if _, err := w.rp.Refresh(ctx, who.RefreshToken); !errors.Is(err, oidcrp.ErrRevoked) {
		t.Errorf("a rotated-out token: %v", err)
	}
	w.p.SetGroups("ada", "backup-admins-only")
	r2, err := w.rp.Refresh(ctx, r.RefreshToken)
	if !errors.Is(err, oidcrp.ErrNotAllowed) || !r2.HasIdentity {
		t.Fatalf("moved out of the allowed group: %v %+v", err, r2)
	}
	w.p.RemoveUser("ada")
	if _, err := w.rp.Refresh(ctx, r2.RefreshToken); !errors.Is(err, oidcrp.ErrRevoked) {
		t.Errorf("removed at the provider: %v", err)
	}
}

func TestRefreshTokenOnlyWhenAsked(t *testing.T) {
	w := newWorld(t, nil)
	w.p.AddUser("ada", "ada-pw", "backup-users")
	who, err := w.signIn(t, "ada", "ada-pw")
	if err != nil || who.RefreshToken != "" || w.p.RefreshTokens() != 0 {
		t.Fatalf("without check_refresh: %v, token %q, %d at the provider", err, who.RefreshToken, w.p.RefreshTokens())
	}
}
