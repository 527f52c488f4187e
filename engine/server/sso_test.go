package server

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// ssoCampus is the real server with single sign-on through the real test
// OpenID Provider; the broker is made at its first request, when the
// server's address is known.
type ssoCampus struct {
	*testServer
	p       *testservers.OIDCProvider
	browser *testservers.Browser
}

func newSSOCampus(t *testing.T) *ssoCampus {
	t.Helper()
	c := &ssoCampus{p: testservers.StartOIDC(t), browser: testservers.NewBrowser()}
	var once sync.Once
	var broker http.Handler
	c.testServer = newTestServer(t, func(o *Options) {
		o.SSO = func(accounts ssobroker.Accounts) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				once.Do(func() { broker = c.broker(t, accounts) })
				broker.ServeHTTP(w, r)
			})
		}
	})
	c.browser.Client.Transport = c.ts.Client().Transport
	c.p.SetRedirectURIs(ssobroker.CallbackURL(c.ts.URL))
	return c
}

func (c *ssoCampus) broker(t *testing.T, accounts ssobroker.Accounts) http.Handler {
	rp, err := oidcrp.New(context.Background(), oidcrp.Config{Issuer: c.p.Issuer, ClientID: c.p.ClientID,
		ClientSecret: c.p.ClientSecret, Scopes: []string{"openid", "profile", "groups"},
		AllowedGroups: []string{"backup-users"}, AdminGroups: []string{"backup-admins"}},
		ssobroker.CallbackURL(c.ts.URL), nil)
	if err != nil {
		t.Error(err)
		return http.NotFoundHandler()
	}
	b, err := ssobroker.New(ssobroker.Options{RP: rp, Accounts: accounts, BaseURL: c.ts.URL,
		ClientAddr: ClientAddr, PollInterval: time.Second})
	if err != nil {
		t.Error(err)
		return http.NotFoundHandler()
	}
	return b.Handler()
}

// signIn runs the command line's loopback sign-in with the browser
// signing in as user at the provider.
func (c *ssoCampus) signIn(t *testing.T, user, device string) (remote.Account, error) {
	t.Helper()
	done := make(chan struct{})
	defer func() { <-done }()
	return remote.SignInSSO(t.Context(), c.ts.URL, remote.SSOOptions{
		Fingerprint: remote.Fingerprint(c.ts.Certificate().Raw), Device: device, OS: "linux",
		OpenBrowser: func(address string) error {
			go func() {
				defer close(done)
				c.browser.SignIn(c.p, address, user, user+"-pw")
			}()
			return nil
		}})
}

func TestSingleSignOnMakesTheAccountAndSignsTheDeviceIn(t *testing.T) {
	c := newSSOCampus(t)
	ada := c.p.AddUser("ada", "ada-pw", "backup-users", "backup-admins")
	acct, err := c.signIn(t, "ada", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.data.Records.User(t.Context(), "ada")
	if err != nil {
		t.Fatalf("no account made at the first single sign-on: %v", err)
	}
	if u.Source != records.SourceOIDC || u.ExternalID != c.p.Issuer+" "+ada.Subject || !u.Admin || u.PasswordHash != "" {
		t.Errorf("account = %+v", u)
	}
	// The device token works on the API.
	expect(t, c.do("GET", "/api/v1/devices", acct.Token, nil), http.StatusOK, "")
	expect(t, c.do("PUT", objPath(acct.DeviceID, "keys", "k"), acct.Token, "key"), http.StatusCreated, "")

	// A second sign-in of the same person reaches the same account.
	if _, err := c.signIn(t, "ada", "desk"); err != nil {
		t.Fatal(err)
	}
	if ds, _ := c.data.Records.Devices(t.Context(), u.ID); len(ds) != 2 {
		t.Errorf("devices of ada: %d", len(ds))
	}
}

// A local account of the same name is never taken over by an identity.
func TestSingleSignOnNeverTakesALocalAccount(t *testing.T) {
	c := newSSOCampus(t)
	local := c.addUser("ada", records.User{})
	c.p.AddUser("ada", "ada-pw", "backup-users")
	acct, err := c.signIn(t, "ada", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.data.Records.Device(t.Context(), acct.DeviceID)
	if err != nil || d.UserID == local.ID {
		t.Fatalf("the sign-on landed in the local account: %v %+v", err, d)
	}
	if u, err := c.data.Records.User(t.Context(), "ada-2"); err != nil || u.Source != records.SourceOIDC {
		t.Errorf("the sign-on's own account: %v %+v", err, u)
	}
}

func TestSingleSignOnRefusesDisabledAndNotAllowed(t *testing.T) {
	c := newSSOCampus(t)
	c.p.AddUser("eve", "eve-pw", "students")
	if _, err := c.signIn(t, "eve", "laptop"); err == nil {
		t.Error("someone in no allowed group signed in")
	}
	c.p.AddUser("ada", "ada-pw", "backup-users")
	acct, err := c.signIn(t, "ada", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	c.data.Records.UpdateUser(t.Context(), "ada", records.UserChange{Disabled: &yes})
	if _, err := c.signIn(t, "ada", "desk"); err == nil {
		t.Error("a disabled account signed in")
	}
	expect(t, c.do("GET", "/api/v1/devices", acct.Token, nil), http.StatusForbidden, "disabled")
}
