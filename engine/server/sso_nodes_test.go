package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// ssoCluster is a server of two nodes on one database behind one address,
// with single sign-on through the real test OpenID Provider. Each node has
// its own data folder, records connections and broker, made as
// cairn-server makes it (ssobroker.NewLazy, the store from
// records.SSOStoreFor); the front sends each request to the node its path
// is routed to (node 0 when none is), so a test decides which node serves
// each step of a sign-in.
type ssoCluster struct {
	p     *testservers.OIDCProvider
	front *httptest.Server
	nodes [2]http.Handler
	data  *Data // node 0's

	mu     sync.Mutex
	routes map[string]int
	served map[string]int // "node path" → requests
}

func newSSOCluster(t *testing.T, spec string) *ssoCluster {
	t.Helper()
	c := &ssoCluster{p: testservers.StartOIDC(t), routes: map[string]int{}, served: map[string]int{}}
	c.front = httptest.NewUnstartedServer(http.HandlerFunc(c.serve))
	c.front.StartTLS()
	t.Cleanup(c.front.Close)
	base := c.front.URL
	c.p.SetRedirectURIs(ssobroker.CallbackURL(base))
	newRP := func(ctx context.Context) (*oidcrp.RP, error) {
		return oidcrp.New(ctx, oidcrp.Config{Issuer: c.p.Issuer, ClientID: c.p.ClientID, ClientSecret: c.p.ClientSecret,
			Scopes: []string{"openid", "profile", "groups"}, AllowedGroups: []string{"backup-users"}},
			ssobroker.CallbackURL(base), nil)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i := range c.nodes {
		data, err := OpenDataWith(t.Context(), t.TempDir(), spec, "", nil, log)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { data.Close() })
		srv, err := New(Options{Vault: data.Vault, Logger: log, HashParams: passhash.Test,
			Sleep: func(context.Context, time.Duration) {},
			SSO: func(accounts ssobroker.Accounts) http.Handler {
				return ssobroker.NewLazy(newRP, ssobroker.Options{Accounts: accounts, BaseURL: base, ClientAddr: ClientAddr,
					PollInterval: time.Second, Store: records.SSOStoreFor(data.Vault.Records(), nil)})
			}})
		if err != nil {
			t.Fatal(err)
		}
		c.nodes[i] = srv.Handler()
		if i == 0 {
			c.data = data
		}
	}
	return c
}

func (c *ssoCluster) serve(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	n := c.routes[r.URL.Path]
	if h := r.Header.Get("X-Test-Node"); h != "" {
		fmt.Sscan(h, &n)
	}
	c.served[fmt.Sprint(n, " ", r.URL.Path)]++
	c.mu.Unlock()
	c.nodes[n].ServeHTTP(w, r)
}

// route sends the paths to node n from now on.
func (c *ssoCluster) route(n int, paths ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range paths {
		c.routes[p] = n
	}
}

// check fails t unless node n served path.
func (c *ssoCluster) check(t *testing.T, n int, path string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.served[fmt.Sprint(n, " ", path)] == 0 {
		t.Errorf("node %d served no %s (served: %v)", n, path, c.served)
	}
}

func (c *ssoCluster) browser() *testservers.Browser {
	b := testservers.NewBrowser()
	b.Client.Transport = c.front.Client().Transport
	return b
}

// tokenWorks fails t unless the token lists its devices on both nodes.
func (c *ssoCluster) tokenWorks(t *testing.T, acct remote.Account) {
	t.Helper()
	for n := range c.nodes {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", c.front.URL+"/api/v1/devices", nil)
		req.Header.Set("Authorization", "Bearer "+acct.Token)
		req.Header.Set("X-Test-Node", fmt.Sprint(n))
		resp, err := c.front.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), acct.DeviceID) {
			t.Errorf("the token on node %d: %d %s", n, resp.StatusCode, body)
		}
	}
}

// Sign-ins that start on one node and end on the other, as a load
// balancer without sticky sessions sends them, on every database: the
// broker's store is the records the nodes share.
func TestSingleSignOnAcrossNodes(t *testing.T) {
	for name, spec := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "records.db") },
		"postgres": func(t *testing.T) string { return testservers.StartPostgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			c := newSSOCluster(t, spec(t))
			c.p.AddUser("ada", "ada-pw", "backup-users")
			t.Run("Loopback", func(t *testing.T) { testLoopbackAcrossNodes(t, c) })
			t.Run("Device", func(t *testing.T) { testDeviceAcrossNodes(t, c) })
		})
	}
}

// The loopback flow: started on node 0, the provider's answer lands on
// node 1 (which keeps the grant), and the client trades the grant on
// node 0.
func testLoopbackAcrossNodes(t *testing.T, c *ssoCluster) {
	c.route(0, "/sso/start", "/api/v1/signin/sso")
	c.route(1, "/sso/callback")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	acct, err := remote.SignInSSO(ctx, c.front.URL, remote.SSOOptions{
		Fingerprint: remote.Fingerprint(c.front.Certificate().Raw), Device: "laptop", OS: "linux",
		OpenBrowser: func(address string) error {
			go func() {
				page, err := c.browser().SignIn(c.p, address, "ada", "ada-pw")
				if err == nil && (page.Status != http.StatusOK || !strings.Contains(page.Body, "signed in")) {
					err = fmt.Errorf("the browser ended on %s (%d): %s", page.URL, page.Status, page.Body)
				}
				if err != nil {
					cancel() // the client waits for nothing then
				}
				done <- err
			}()
			return nil
		}})
	if berr := <-done; berr != nil {
		t.Errorf("the browser: %v", berr)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.check(t, 0, "/sso/start")
	c.check(t, 1, "/sso/callback")
	c.check(t, 0, "/api/v1/signin/sso")
	c.tokenWorks(t, acct)
	if d, err := c.data.Records.Device(t.Context(), acct.DeviceID); err != nil || d.Name != "laptop" || d.UserName != "ada" {
		t.Errorf("the device: %+v %v", d, err)
	}
}

var ssoCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// The device flow: the code is made on node 0; the person types it,
// signs in and the computer polls, all on node 1.
func testDeviceAcrossNodes(t *testing.T, c *ssoCluster) {
	c.route(0, "/api/v1/sso/device")
	c.route(1, "/sso/device", "/sso/callback", "/api/v1/signin/sso")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	approved := make(chan error, 1)
	acct, err := remote.SignInDevice(ctx, c.front.URL, remote.DeviceOptions{
		Fingerprint: remote.Fingerprint(c.front.Certificate().Raw), Device: "build-box", OS: "linux",
		Show: func(code remote.DeviceCode) {
			go func() {
				err := c.approveDevice(code, "ada")
				if err != nil {
					cancel() // else the computer polls until the code expires
				}
				approved <- err
			}()
		}})
	if aerr := <-approved; aerr != nil {
		t.Errorf("the approval: %v", aerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.check(t, 0, "/api/v1/sso/device")
	c.check(t, 1, "/sso/device")
	c.check(t, 1, "/api/v1/signin/sso")
	c.tokenWorks(t, acct)
	if d, err := c.data.Records.Device(t.Context(), acct.DeviceID); err != nil || d.Name != "build-box" || d.UserName != "ada" {
		t.Errorf("the device: %+v %v", d, err)
	}
}

// approveDevice plays the person on another device: opens the page with
// the code, confirms the computer, and signs in at the provider as name.
func (c *ssoCluster) approveDevice(code remote.DeviceCode, name string) error {
	b := c.browser()
	page, err := b.Get(code.VerificationURIComplete)
	if err != nil {
		return err
	}
	m := ssoCSRF.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		return fmt.Errorf("the page for code %s: %d %s", code.UserCode, page.Status, page.Body)
	}
	page, err = b.Post(c.front.URL+"/sso/device", url.Values{"step": {"confirm"},
		"user_code": {code.UserCode}, "csrf": {m[1]}, "answer": {"yes"}})
	if err != nil {
		return err
	}
	if !strings.HasPrefix(page.URL.String(), c.p.Issuer+"/login") {
		return fmt.Errorf("continuing led to %s (%d): %s", page.URL, page.Status, page.Body)
	}
	page, err = b.Post(c.p.Issuer+"/login", url.Values{"id": {page.URL.Query().Get("authRequestID")},
		"username": {name}, "password": {name + "-pw"}})
	if err != nil {
		return err
	}
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "signed in") {
		return fmt.Errorf("the approval ended on %s (%d): %s", page.URL, page.Status, page.Body)
	}
	return nil
}
