// Package ldapdir signs people in against an LDAP directory or Active
// Directory, and lists who may use the service for the server's sync.
//
// It follows the practice directory-backed services share: search for the
// person with a service account, then bind as the entry found (a DN is never
// built from what was typed); every typed text is escaped in filters; an
// empty password is refused before any bind (an empty simple bind is an
// anonymous bind, which "succeeds"); the directory's certificate is
// verified. A person is known by a permanent identity (entryUUID or
// objectGUID), not by their name, so a renamed person keeps their account
// and a new person given an old name does not get someone else's.
package ldapdir

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// Errors of Authenticate and People. The words are for the person signing
// in; details go to the server's log.
var (
	// ErrCredentials: no such person, or the wrong password.
	ErrCredentials = errors.New("wrong user name or password")
	// ErrNotAllowed: the person is in the directory but in none of the
	// groups allowed to use the service.
	ErrNotAllowed = errors.New("your account is not allowed to use this backup service; ask your IT department")
	// ErrDisabled: the directory marks the account disabled.
	ErrDisabled = errors.New("your account is disabled in the organisation's directory; ask your IT department")
	// ErrUnavailable: the directory could not be reached or answered with
	// an error (a wrong service account, TLS refused, …).
	ErrUnavailable = errors.New("the organisation's directory cannot be reached right now; try again in a few minutes")
)

// Person is one entry of the directory as the server sees it.
type Person struct {
	// ID is the permanent identity (entryUUID, or objectGUID as a UUID).
	ID string
	// Name is the sign-in name as the directory spells it.
	Name        string
	DN          string
	DisplayName string
	Email       string
	Groups      []string // DNs
	Allowed     bool     // in an allowed group (or no groups are required)
	Admin       bool     // in an admin group
	Disabled    bool     // Active Directory's ACCOUNTDISABLE flag
}

// Directory is a configured directory. Safe for concurrent use: each call
// uses its own connection.
type Directory struct {
	c   Config
	tls *tls.Config
}

// New checks the configuration and returns the directory. It does not
// connect: a directory that is down at start must not stop the server.
func New(c Config) (*Directory, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	t, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &Directory{c: c, tls: t}, nil
}

// Config returns the checked configuration (defaults filled in).
func (d *Directory) Config() Config { return d.c }

// maxNameLen bounds a typed user name: longer is no one's.
const maxNameLen = 256

// Authenticate checks a person's name and password against the directory
// and returns who they are. Wrong names and wrong passwords are both
// ErrCredentials; a person who is disabled or in no allowed group is
// ErrDisabled or ErrNotAllowed (only once the password was right, so these
// answers tell a stranger nothing).
func (d *Directory) Authenticate(ctx context.Context, username, password string) (Person, error) {
	if password == "" || username == "" || len(username) > maxNameLen || !utf8.ValidString(username) ||
		strings.ContainsRune(username, 0) {
		return Person{}, ErrCredentials
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return Person{}, err
	}
	defer conn.Close()
	entry, err := d.findOne(conn, username)
	if err != nil {
		return Person{}, err
	}
	if err := conn.Bind(entry.DN, password); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return Person{}, ErrCredentials
		}
		return Person{}, fmt.Errorf("%w (bind as the person: %v)", ErrUnavailable, err)
	}
	// Read groups with the service account: a person's own bind may not
	// see group entries.
	if err := d.bindService(conn); err != nil {
		return Person{}, err
	}
	p, err := d.person(entry, d.searchGroups(conn))
	if err != nil {
		return Person{}, err
	}
	switch {
	case p.Disabled:
		return p, ErrDisabled
	case !p.Allowed:
		return p, ErrNotAllowed
	}
	return p, nil
}

// People lists everyone the user filter finds (with {username} as *), for
// the sync: who is still allowed, who is an admin, who is disabled.
func (d *Directory) People(ctx context.Context) ([]Person, error) {
	conn, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	filter := strings.ReplaceAll(d.c.UserFilter, "{username}", "*")
	res, err := conn.SearchWithPaging(d.userSearch(filter, 0), 500)
	if err != nil {
		return nil, fmt.Errorf("%w (list people: %v)", ErrUnavailable, err)
	}
	groups, err := d.allGroups(conn)
	if err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(res.Entries))
	for _, e := range res.Entries {
		p, err := d.person(e, groups)
		if err != nil {
			return nil, err
		}
		if p.ID == "" || p.Name == "" {
			continue // not a person the service can key on
		}
		out = append(out, p)
	}
	return out, nil
}

// connect dials the directory, upgrades to TLS when configured, and binds
// as the service account. The connection closes when ctx ends.
func (d *Directory) connect(ctx context.Context) (*ldap.Conn, error) {
	dialer := &net.Dialer{Timeout: d.c.Timeout.Duration}
	conn, err := ldap.DialURL(d.c.URL, ldap.DialWithDialer(dialer), ldap.DialWithTLSConfig(d.tls))
	if err != nil {
		return nil, fmt.Errorf("%w (connect to %s: %v)", ErrUnavailable, d.c.URL, err)
	}
	conn.SetTimeout(d.c.Timeout.Duration)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	closeAll := func() { stop(); conn.Close() }
	if d.c.StartTLS {
		if err := conn.StartTLS(d.tls); err != nil {
			closeAll()
			return nil, fmt.Errorf("%w (StartTLS with %s: %v)", ErrUnavailable, d.c.URL, err)
		}
	}
	if err := d.bindService(conn); err != nil {
		closeAll()
		return nil, err
	}
	return conn, nil
}

func (d *Directory) bindService(conn *ldap.Conn) error {
	if d.c.BindDN == "" {
		return nil // anonymous search, as some directories allow
	}
	if err := conn.Bind(d.c.BindDN, d.c.BindPassword); err != nil {
		return fmt.Errorf("%w (bind as the service account %s: %v)", ErrUnavailable, d.c.BindDN, err)
	}
	return nil
}

// findOne finds the one entry the filter gives for a typed name.
func (d *Directory) findOne(conn *ldap.Conn, username string) (*ldap.Entry, error) {
	filter := strings.ReplaceAll(d.c.UserFilter, "{username}", ldap.EscapeFilter(username))
	res, err := conn.Search(d.userSearch(filter, 2))
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, fmt.Errorf("%w (search for the person: %v)", ErrUnavailable, err)
	}
	if res == nil || len(res.Entries) != 1 {
		return nil, ErrCredentials // none, or a filter that is not unique
	}
	return res.Entries[0], nil
}

func (d *Directory) userSearch(filter string, limit int) *ldap.SearchRequest {
	attrs := []string{d.c.IDAttribute, d.c.UsernameAttribute, "memberOf", "userAccountControl", "cn",
		"displayName", "mail"}
	return ldap.NewSearchRequest(d.c.UserBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, limit,
		int(d.c.Timeout.Seconds()), false, filter, attrs, nil)
}
