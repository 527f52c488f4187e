package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// newLeaverCampus is ssoCampus with [oidc] check_refresh: the server keeps
// each sign-in's refresh token, sealed under a key file, and checks it at
// the real test provider.
func newLeaverCampus(t *testing.T, maxFraction float64) *ssoCampus {
	t.Helper()
	c := &ssoCampus{p: testservers.StartOIDC(t), browser: testservers.NewBrowser()}
	seal, err := LoadRefreshKey(filepath.Join(t.TempDir(), "oidc-refresh.key"))
	if err != nil {
		t.Fatal(err)
	}
	var rp atomic.Pointer[oidcrp.RP]
	check := OIDCCheck{Seal: seal, Interval: time.Hour, MaxDeactivateFraction: maxFraction,
		Refresh: func(ctx context.Context, token string) (oidcrp.Refreshed, error) {
			return rp.Load().Refresh(ctx, token)
		}}
	var once sync.Once
	var broker http.Handler
	c.testServer = newTestServer(t, func(o *Options) {
		o.SSO = func(accounts ssobroker.Accounts) http.Handler {
			accounts = WithOIDCCheck(accounts, check)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				once.Do(func() { broker = c.refreshingBroker(t, accounts, &rp) })
				broker.ServeHTTP(w, r)
			})
		}
	})
	c.browser.Client.Transport = c.ts.Client().Transport
	c.p.SetRedirectURIs(ssobroker.CallbackURL(c.ts.URL))
	return c
}

func (c *ssoCampus) refreshingBroker(t *testing.T, accounts ssobroker.Accounts, into *atomic.Pointer[oidcrp.RP]) http.Handler {
	rp, err := oidcrp.New(context.Background(), oidcrp.Config{Issuer: c.p.Issuer, ClientID: c.p.ClientID,
		ClientSecret: c.p.ClientSecret, Scopes: []string{"openid", "profile", "groups"}, CheckRefresh: true,
		AllowedGroups: []string{"backup-users"}, AdminGroups: []string{"backup-admins"}},
		ssobroker.CallbackURL(c.ts.URL), nil)
	if err != nil {
		t.Error(err)
		return http.NotFoundHandler()
	}
	into.Store(rp)
	b, err := ssobroker.New(ssobroker.Options{RP: rp, Accounts: accounts, BaseURL: c.ts.URL,
		ClientAddr: ClientAddr, PollInterval: time.Second})
	if err != nil {
		t.Error(err)
		return http.NotFoundHandler()
	}
	return b.Handler()
}

func (c *ssoCampus) token(t *testing.T, user string) (token, device string) {
	t.Helper()
	acct, err := c.signIn(t, user, "laptop")
	if err != nil {
		t.Fatalf("%s signs in: %v", user, err)
	}
	return acct.Token, acct.DeviceID
}

func TestLeaverAtTheProviderLosesTheirDeviceTokens(t *testing.T) {
	c := newLeaverCampus(t, 0.5)
	c.p.AddUser("ada", "ada-pw", "backup-users")
	c.p.AddUser("bob", "bob-pw", "backup-users")
	ada, adaDevice := c.token(t, "ada")
	bob, _ := c.token(t, "bob")
	expect(t, c.do("PUT", objPath(adaDevice, "keys", "k"), ada, "key"), http.StatusCreated, "")
	kept, err := c.data.Records.OIDCRefreshes(t.Context())
	if err != nil || len(kept) != 2 || c.p.RefreshTokens() != 2 {
		t.Fatalf("refresh tokens kept: %d (%v), at the provider %d", len(kept), err, c.p.RefreshTokens())
	}
	seal := c.srv.checks().oidc.Seal
	for _, k := range kept {
		plain, err := seal.Open(k.Sealed, k.ExternalID)
		if err != nil || len(plain) < 16 || bytes.Contains(k.Sealed, plain) || strings.Contains(c.log.String(), string(plain)) {
			t.Errorf("a refresh token is not kept sealed (or reached the log): %v", err)
		}
	}

	c.p.RemoveUser("ada")
	// Not due yet: nothing is asked, the token still works.
	if err := c.srv.CheckOIDCAccounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", ada, nil), http.StatusOK, "")

	c.clock.Advance(time.Hour)
	if err := c.srv.CheckOIDCAccounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", ada, nil), http.StatusForbidden, "disabled")
	expect(t, c.do("GET", "/api/v1/devices", bob, nil), http.StatusOK, "")
	u, err := c.data.Records.User(t.Context(), "ada")
	if err != nil || !u.Disabled || !u.SyncDisabled {
		t.Fatalf("ada after leaving: %+v %v", u, err)
	}
	if objs, err := c.data.Records.Objects(t.Context(), records.ObjectQuery{Device: adaDevice}); err != nil || len(objs) != 1 {
		t.Errorf("ada's data went with her account: %d objects, %v", len(objs), err)
	}
	// bob's token was rotated and the new one kept: the next check
	// still finds him.
	c.clock.Advance(time.Hour)
	if err := c.srv.CheckOIDCAccounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", bob, nil), http.StatusOK, "")
	if kept, _ := c.data.Records.OIDCRefreshes(t.Context()); len(kept) != 1 {
		t.Errorf("refresh tokens kept after ada left: %d", len(kept))
	}
}

func TestProviderGroupsFollowAndMassRemovalIsRefused(t *testing.T) {
	c := newLeaverCampus(t, 0.1)
	tokens := map[string]string{}
	for _, name := range []string{"ada", "bob", "cy"} {
		c.p.AddUser(name, name+"-pw", "backup-users")
		tokens[name], _ = c.token(t, name)
	}
	// Groups: cy becomes an admin; bob leaves the allowed group (one of
	// three: within the limit of one).
	c.p.SetGroups("cy", "backup-users", "backup-admins")
	c.p.SetGroups("bob", "students")
	c.clock.Advance(time.Hour)
	if err := c.srv.CheckOIDCAccounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	if cy, _ := c.data.Records.User(t.Context(), "cy"); !cy.Admin {
		t.Error("cy's new admin group was not read")
	}
	expect(t, c.do("GET", "/api/v1/devices", tokens["bob"], nil), http.StatusForbidden, "disabled")
	// Back in the group: enabled again at the next check.
	c.p.SetGroups("bob", "backup-users")
	c.clock.Advance(time.Hour)
	if err := c.srv.CheckOIDCAccounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", tokens["bob"], nil), http.StatusOK, "")

	// Two of three gone at once is more than 0.1 allows: refused, and
	// reported.
	c.p.RemoveUser("ada")
	c.p.RemoveUser("bob")
	c.clock.Advance(time.Hour)
	if err := c.srv.CheckOIDCAccounts(t.Context()); !errors.Is(err, ldapdir.ErrMassRemoval) {
		t.Fatalf("mass removal: %v", err)
	}
	expect(t, c.do("GET", "/api/v1/devices", tokens["ada"], nil), http.StatusOK, "")
	expect(t, c.do("GET", "/api/v1/devices", tokens["bob"], nil), http.StatusOK, "")
}
