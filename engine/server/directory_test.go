package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// campus is a real OpenLDAP with people and groups, and a Cairn server
// that signs them in against it.
type campus struct {
	*testServer
	ldap                 *testservers.Slapd
	ada, bob, cy, admins string // DNs
	users                string
}

func newCampus(t *testing.T) *campus {
	t.Helper()
	l := testservers.StartSlapd(t)
	c := &campus{ldap: l}
	c.ada = l.AddUser(t, "ada", "ada-dir-pw")
	c.bob = l.AddUser(t, "bob", "bob-dir-pw")
	c.cy = l.AddUser(t, "cy", "cy-dir-pw")
	l.AddUser(t, "cairn", "service-pw")
	c.users = l.AddGroup(t, "backup-users", c.ada, c.bob)
	c.admins = l.AddGroup(t, "backup-admins", c.bob)
	dir, err := ldapdir.New(ldapdir.Config{URL: l.URL, StartTLS: true, CAFile: l.CAFile,
		BindDN: "uid=cairn," + l.People, BindPassword: "service-pw", UserBase: l.People,
		AllowedGroups: []string{c.users}, AdminGroups: []string{c.admins}, MaxDeactivateFraction: 0.5,
		Timeout: ldapdir.Duration{Duration: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	c.testServer = newTestServer(t, func(o *Options) { o.Directory = dir })
	return c
}

func (c *campus) signinAs(user, password, device string) reply {
	c.t.Helper()
	return c.do("POST", "/api/v1/signin", "", signinBody(user, password, device))
}

func TestDirectorySigninMakesTheAccount(t *testing.T) {
	c := newCampus(t)
	r := c.signinAs("Ada", "ada-dir-pw", "laptop")
	expect(t, r, http.StatusOK, "")
	ada, err := c.data.Records.User(t.Context(), "ada")
	if err != nil {
		t.Fatalf("no account made at the first sign-in: %v", err)
	}
	if ada.Source != records.SourceLDAP || ada.ExternalID == "" || ada.Admin || ada.PasswordHash != "" {
		t.Errorf("account = %+v", ada)
	}
	expect(t, c.signinAs("bob", "bob-dir-pw", "desk"), http.StatusOK, "")
	if bob, _ := c.data.Records.User(t.Context(), "bob"); !bob.Admin {
		t.Error("bob, in the admin group, is not an admin")
	}
	if strings.Contains(c.log.String(), "ada-dir-pw") {
		t.Error("a directory password reached the log")
	}
	// Refusals: wrong password, not in the group, empty password, a
	// wildcard name.
	expect(t, c.signinAs("ada", "wrong", "laptop"), http.StatusUnauthorized, "credentials")
	r = c.signinAs("cy", "cy-dir-pw", "laptop")
	expect(t, r, http.StatusForbidden, "disabled")
	if !strings.Contains(string(r.body), "IT department") {
		t.Errorf("the refusal does not say what to do: %s", r.body)
	}
	expect(t, c.signinAs("ada", "", "laptop"), http.StatusUnauthorized, "credentials")
	expect(t, c.signinAs("*", "ada-dir-pw", "laptop"), http.StatusUnauthorized, "credentials")
	if _, err := c.data.Records.User(t.Context(), "cy"); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("an account was made for someone not allowed: %v", err)
	}
}

// A local account of the same name is not taken over by the directory,
// and keeps its own password.
func TestLocalAccountsStayLocal(t *testing.T) {
	c := newCampus(t)
	c.addUser("ada", records.User{})
	expect(t, c.signinAs("ada", "ada-dir-pw", "laptop"), http.StatusUnauthorized, "credentials")
	expect(t, c.signinAs("ada", "pw-ada", "laptop"), http.StatusOK, "")
}

func TestDirectoryPasswordChangeTakesEffectAtOnce(t *testing.T) {
	c := newCampus(t)
	token, _ := c.signinToken("ada", "ada-dir-pw", "laptop")
	c.ldap.SetAttr(t, c.ada, "userPassword", "new-pw")
	expect(t, c.signinAs("ada", "ada-dir-pw", "desk"), http.StatusUnauthorized, "credentials")
	expect(t, c.signinAs("ada", "new-pw", "desk"), http.StatusOK, "")
	// The computer signed in before keeps backing up.
	expect(t, c.do("GET", "/api/v1/devices", token, nil), http.StatusOK, "")
}

func (c *campus) signinToken(user, password, device string) (token, deviceID string) {
	c.t.Helper()
	r := c.signinAs(user, password, device)
	expect(c.t, r, http.StatusOK, "")
	var out signinResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		c.t.Fatal(err)
	}
	return out.Token, out.DeviceID
}

// A leaver's devices stop at the next sync; their data stays; they come
// back when IT puts them back. A wrong filter cannot cut everyone off.
func TestDirectorySyncCutsOffLeavers(t *testing.T) {
	c := newCampus(t)
	adaToken, adaDevice := c.signinToken("ada", "ada-dir-pw", "laptop")
	bobToken, _ := c.signinToken("bob", "bob-dir-pw", "desk")
	expect(t, c.do("PUT", objPath(adaDevice, "keys", "k1"), adaToken, "key"), http.StatusCreated, "")

	c.ldap.SetGroupMembers(t, c.users, c.bob)
	if err := c.srv.SyncDirectory(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", adaToken, nil), http.StatusForbidden, "disabled")
	expect(t, c.signinAs("ada", "ada-dir-pw", "laptop"), http.StatusForbidden, "disabled")
	expect(t, c.do("GET", "/api/v1/devices", bobToken, nil), http.StatusOK, "")
	if objs, _ := c.data.Records.Objects(t.Context(), records.ObjectQuery{Device: adaDevice}); len(objs) != 1 {
		t.Errorf("a leaver's data went: %d objects", len(objs))
	}

	c.ldap.SetGroupMembers(t, c.users, c.bob, c.ada)
	if err := c.srv.SyncDirectory(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", adaToken, nil), http.StatusOK, "")

	// Everyone gone at once: refused and reported, nobody disabled.
	c.ldap.SetGroupMembers(t, c.users, c.cy)
	if err := c.srv.SyncDirectory(t.Context()); !errors.Is(err, ldapdir.ErrMassRemoval) {
		t.Fatalf("a mass removal: %v", err)
	}
	expect(t, c.do("GET", "/api/v1/devices", adaToken, nil), http.StatusOK, "")
	expect(t, c.do("GET", "/api/v1/devices", bobToken, nil), http.StatusOK, "")
	if !strings.Contains(c.log.String(), "directory sync refused") {
		t.Error("the refusal was not logged")
	}
}

// Failures through Cairn stay below a directory's lock-out threshold: a
// stranger guessing from several addresses is stopped after a few, while
// the person's own address still gets in.
func TestDirectoryGuessingIsCappedPerAccount(t *testing.T) {
	c := newCampus(t)
	c.signinToken("ada", "ada-dir-pw", "laptop") // from 127.0.0.1: a known address
	sent := 0
	for _, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		cl := c.from(ip)
		for range 3 {
			if c.signinFrom(cl, "ada", "guess") == http.StatusUnauthorized {
				sent++
			}
		}
	}
	if sent > directoryFailures {
		t.Errorf("%d wrong passwords reached the directory for one person in an hour (at most %d)", sent, directoryFailures)
	}
	expect(t, c.signinAs("ada", "ada-dir-pw", "desk"), http.StatusOK, "")
}
