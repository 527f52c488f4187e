package ldapdir_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// campus is a directory with people and groups, and the server's view of
// it through a Config like the one docs/SERVER.md shows.
type campus struct {
	s                    *testservers.Slapd
	alice, bob, carol    string // DNs
	users, admins, staff string // group DNs
}

func newCampus(t *testing.T) *campus {
	t.Helper()
	s := testservers.StartSlapd(t)
	c := &campus{s: s}
	c.alice = s.AddUser(t, "alice", "alice-pw")
	c.bob = s.AddUser(t, "bob", "bob-pw")
	c.carol = s.AddUser(t, "carol", "carol-pw")
	s.AddUser(t, "cairn", "service-pw") // the service account
	c.users = s.AddGroup(t, "backup-users", c.alice, c.bob)
	c.admins = s.AddGroup(t, "backup-admins", c.bob)
	c.staff = s.AddGroup(t, "staff", c.alice, c.bob, c.carol)
	return c
}

func (c *campus) config() ldapdir.Config {
	return ldapdir.Config{
		URL: c.s.URL, StartTLS: true, CAFile: c.s.CAFile,
		BindDN: "uid=cairn," + c.s.People, BindPassword: "service-pw",
		UserBase: c.s.People, UserFilter: "(&(objectClass=person)(uid={username}))",
		AllowedGroups: []string{c.users}, AdminGroups: []string{c.admins},
		Timeout: ldapdir.Duration{Duration: 30 * time.Second},
	}
}

func (c *campus) dir(t *testing.T, edit func(*ldapdir.Config)) *ldapdir.Directory {
	t.Helper()
	cfg := c.config()
	if edit != nil {
		edit(&cfg)
	}
	d, err := ldapdir.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func signIn(t *testing.T, d *ldapdir.Directory, user, pw string) (ldapdir.Person, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return d.Authenticate(ctx, user, pw)
}

func TestSignInFindsThePersonAndTheirRights(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, nil)
	bob, err := signIn(t, d, "bob", "bob-pw")
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	if bob.Name != "bob" || bob.DN != c.bob || !bob.Allowed || !bob.Admin || bob.Disabled || bob.Email != "bob@example.org" {
		t.Errorf("bob = %+v", bob)
	}
	if len(bob.ID) != 36 {
		t.Errorf("bob's identity %q is not an entryUUID", bob.ID)
	}
	alice, err := signIn(t, d, "ALICE", "alice-pw") // names are case-insensitive in the directory
	if err != nil {
		t.Fatalf("alice: %v", err)
	}
	if alice.Name != "alice" || alice.Admin || alice.ID == bob.ID {
		t.Errorf("alice = %+v", alice)
	}
}

func TestSignInRefusals(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, nil)
	for _, tc := range []struct {
		name, user, pw string
		want           error
	}{
		{"wrong password", "alice", "bob-pw", ldapdir.ErrCredentials},
		{"unknown person", "mallory", "alice-pw", ldapdir.ErrCredentials},
		{"empty password", "alice", "", ldapdir.ErrCredentials},
		{"not in an allowed group", "carol", "carol-pw", ldapdir.ErrNotAllowed},
		{"wildcard name", "*", "alice-pw", ldapdir.ErrCredentials},
		{"wildcard prefix", "ali*", "alice-pw", ldapdir.ErrCredentials},
		{"filter injection", "alice)(uid=*", "alice-pw", ldapdir.ErrCredentials},
		{"filter injection closing", "*)(|(uid=*", "alice-pw", ldapdir.ErrCredentials},
		{"NUL in name", "alice\x00", "alice-pw", ldapdir.ErrCredentials},
		{"a DN as name", c.alice, "alice-pw", ldapdir.ErrCredentials},
		{"long name", strings.Repeat("a", 10000), "alice-pw", ldapdir.ErrCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := signIn(t, d, tc.user, tc.pw); !errors.Is(err, tc.want) {
				t.Errorf("sign in as %.40q: %v, want %v", tc.user, err, tc.want)
			}
		})
	}
}

// With one person in the directory, an unescaped "*" would find exactly
// them and the right password would let a stranger in under any name.
func TestWildcardCannotStandForTheOnlyPerson(t *testing.T) {
	s := testservers.StartSlapd(t)
	dn := s.AddUser(t, "solo", "solo-pw")
	d, err := ldapdir.New(ldapdir.Config{URL: s.URL, StartTLS: true, CAFile: s.CAFile,
		BindDN: dn, BindPassword: "solo-pw", UserBase: s.People})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"*", "s*", "*o*"} {
		if _, err := signIn(t, d, name, "solo-pw"); !errors.Is(err, ldapdir.ErrCredentials) {
			t.Errorf("%q signed in: %v", name, err)
		}
	}
	if _, err := signIn(t, d, "solo", "solo-pw"); err != nil {
		t.Errorf("solo: %v", err)
	}
}

func TestDirectoryChangesTakeEffectAtOnce(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, nil)
	c.s.SetAttr(t, c.alice, "userPassword", "new-alice-pw")
	if _, err := signIn(t, d, "alice", "alice-pw"); !errors.Is(err, ldapdir.ErrCredentials) {
		t.Errorf("old password after a change: %v", err)
	}
	if _, err := signIn(t, d, "alice", "new-alice-pw"); err != nil {
		t.Errorf("new password: %v", err)
	}
	c.s.SetGroupMembers(t, c.users, c.bob)
	if _, err := signIn(t, d, "alice", "new-alice-pw"); !errors.Is(err, ldapdir.ErrNotAllowed) {
		t.Errorf("alice out of the group: %v", err)
	}
}

func TestActiveDirectoryStyle(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, func(cfg *ldapdir.Config) {
		cfg.UserFilter = "(&(objectClass=person)(sAMAccountName={username}))"
		cfg.AllowedGroups = nil
	})
	p, err := signIn(t, d, "carol", "carol-pw")
	if err != nil {
		t.Fatalf("carol: %v", err)
	}
	if p.Name != "carol" {
		t.Errorf("name from sAMAccountName = %q", p.Name)
	}
	c.s.SetAttr(t, c.carol, "userAccountControl", "514") // NORMAL_ACCOUNT | ACCOUNTDISABLE
	if _, err := signIn(t, d, "carol", "carol-pw"); !errors.Is(err, ldapdir.ErrDisabled) {
		t.Errorf("disabled in AD: %v", err)
	}
}

func TestGroupsBySearchWithoutMemberOf(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, func(cfg *ldapdir.Config) { cfg.GroupBase = c.s.Groups })
	p, err := signIn(t, d, "alice", "alice-pw")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, g := range p.Groups {
		if strings.EqualFold(g, c.staff) {
			found++
		}
	}
	if found == 0 {
		t.Errorf("groups %v lack %s", p.Groups, c.staff)
	}
}

func TestTLSIsVerified(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, func(cfg *ldapdir.Config) { cfg.CAFile = c.s.OtherCAFile })
	if _, err := signIn(t, d, "alice", "alice-pw"); !errors.Is(err, ldapdir.ErrUnavailable) {
		t.Errorf("a directory whose certificate another CA signed: %v", err)
	}
	if _, err := ldapdir.New(ldapdir.Config{URL: c.s.URL, UserBase: c.s.People}); err == nil {
		t.Error("plain ldap:// without start_tls or insecure_plaintext was accepted")
	}
	d = c.dir(t, func(cfg *ldapdir.Config) { cfg.BindPassword = "wrong" })
	if _, err := signIn(t, d, "alice", "alice-pw"); !errors.Is(err, ldapdir.ErrUnavailable) {
		t.Errorf("a wrong service password: %v", err)
	}
}

func TestSyncDisablesLeaversAndRefusesMassRemoval(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, nil)
	ctx := context.Background()
	people, err := d.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var accounts []ldapdir.Account
	ids := map[string]string{}
	for _, p := range people {
		ids[p.Name] = p.ID
		if p.Allowed {
			accounts = append(accounts, ldapdir.Account{ID: p.ID, Name: p.Name, Admin: p.Admin})
		}
	}
	if len(accounts) != 2 {
		t.Fatalf("allowed people: %+v", people)
	}
	// Alice leaves the group; bob stays.
	c.s.SetGroupMembers(t, c.users, c.bob)
	people, err = d.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := ldapdir.PlanSync(accounts, people, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || !plan.Changes[0].Disable || plan.Changes[0].ID != ids["alice"] {
		t.Errorf("plan = %+v", plan)
	}
	// A wrong filter finds no one: every account would go.
	wrong := c.dir(t, func(cfg *ldapdir.Config) { cfg.UserFilter = "(&(objectClass=posixAccount)(uid={username}))" })
	people, err = wrong.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err = ldapdir.PlanSync(accounts, people, 0.5)
	if !errors.Is(err, ldapdir.ErrMassRemoval) || len(plan.Changes) != 0 || plan.Deactivations != 2 {
		t.Errorf("mass removal: %v, %+v", err, plan)
	}
}

// The sync's listing reads the groups under group_base once and gives each
// person theirs (here beside memberOf, so each group shows twice: once
// from each source).
func TestPeopleGetTheirGroupsFromGroupBase(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, func(cfg *ldapdir.Config) { cfg.GroupBase = c.s.Groups })
	people, err := d.People(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.Name != "carol" {
			continue
		}
		n := 0
		for _, g := range p.Groups {
			if strings.EqualFold(g, c.staff) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("carol's groups %v: staff %d times, want 2 (memberOf and the group search)", p.Groups, n)
		}
		return
	}
	t.Fatal("carol not listed")
}
