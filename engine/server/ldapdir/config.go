package ldapdir

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config is the [ldap] section of the server's configuration file
// (docs/SERVER.md names each key).
type Config struct {
	// URL is ldaps://host[:port] (TLS from the first byte), or ldap://…
	// with StartTLS, or plain ldap:// only with InsecurePlaintext.
	URL string `toml:"url"`
	// StartTLS upgrades an ldap:// connection before anything is sent.
	StartTLS bool `toml:"start_tls"`
	// InsecurePlaintext allows ldap:// without StartTLS: passwords then
	// cross the network in clear. For a directory on the same host only.
	InsecurePlaintext bool `toml:"insecure_plaintext"`
	// CAFile is the PEM file of the CA that signed the directory's
	// certificate; empty: the system's roots.
	CAFile string `toml:"ca_file"`
	// BindDN and BindPassword are the service account that searches for
	// people (BindPasswordFile holds the password, so it stays out of the
	// configuration file).
	BindDN           string `toml:"bind_dn"`
	BindPassword     string `toml:"-"`
	BindPasswordFile string `toml:"bind_password_file"`
	// UserBase is where people are searched; UserFilter finds one person,
	// with {username} replaced by the escaped name typed at sign-in, and by
	// * when the sync lists everyone.
	UserBase   string `toml:"user_base"`
	UserFilter string `toml:"user_filter"`
	// UsernameAttribute is the attribute that holds the sign-in name (uid;
	// sAMAccountName in Active Directory). Default: the attribute the
	// filter compares with {username}.
	UsernameAttribute string `toml:"username_attribute"`
	// IDAttribute holds the person's permanent identity, kept when they
	// are renamed: entryUUID (OpenLDAP, the default) or objectGUID (Active
	// Directory).
	IDAttribute string `toml:"id_attribute"`
	// AllowedGroups: only members of one of these groups (DNs) may use
	// the service; empty: everyone the filter finds. AdminGroups: members
	// are the server's administrators.
	AllowedGroups []string `toml:"allowed_groups"`
	AdminGroups   []string `toml:"admin_groups"`
	// GroupBase, when set, also finds groups by searching there for
	// groupOfNames/group entries that name the person as a member, for
	// directories without memberOf. NestedGroups uses Active Directory's
	// transitive membership rule (LDAP_MATCHING_RULE_IN_CHAIN) for that
	// search, so members of nested groups count.
	GroupBase    string `toml:"group_base"`
	NestedGroups bool   `toml:"nested_groups"`
	// SyncInterval is how often the server re-reads who may use the
	// service (default 15 minutes); MaxDeactivateFraction is the largest
	// share of directory accounts one sync may disable (default 0.1):
	// more is refused and reported, so one wrong filter cannot cut off the
	// whole organisation.
	SyncInterval          Duration `toml:"sync_interval"`
	MaxDeactivateFraction float64  `toml:"max_deactivate_fraction"`
	// Timeout bounds each connection and operation (default 10 s).
	Timeout Duration `toml:"timeout"`
}

// Duration is a time.Duration written as "15m" in the configuration file.
type Duration struct{ time.Duration }

// UnmarshalText reads "15m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (write e.g. \"15m\" or \"1h\")", b)
	}
	d.Duration = v
	return nil
}

// Defaults and checks.
const (
	defaultSyncInterval = 15 * time.Minute
	defaultMaxFraction  = 0.1
	defaultTimeout      = 10 * time.Second
)

// Check fills in defaults, reads the bind password file and says in words
// what is wrong with the section.
func (c *Config) Check() error {
	if c.URL == "" {
		return errors.New("[ldap] url is missing (e.g. \"ldaps://dc.example.org\")")
	}
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("[ldap] url %q is not an LDAP address (e.g. \"ldaps://dc.example.org\")", c.URL)
	}
	switch u.Scheme {
	case "ldaps":
		if c.StartTLS {
			return errors.New("[ldap] start_tls is for ldap:// addresses; ldaps:// is encrypted already")
		}
	case "ldap":
		if !c.StartTLS && !c.InsecurePlaintext {
			return errors.New("[ldap] an ldap:// address needs start_tls = true (or insecure_plaintext = true, " +
				"which sends passwords in clear: only for a directory on this host)")
		}
	default:
		return fmt.Errorf("[ldap] url must start with ldaps:// or ldap://, not %q", u.Scheme+"://")
	}
	if c.UserBase == "" {
		return errors.New("[ldap] user_base is missing (e.g. \"ou=people,dc=example,dc=org\")")
	}
	if c.UserFilter == "" {
		c.UserFilter = "(&(objectClass=person)(uid={username}))"
	}
	if !strings.Contains(c.UserFilter, "{username}") {
		return errors.New("[ldap] user_filter must contain {username}, e.g. \"(&(objectClass=person)(uid={username}))\"")
	}
	if c.UsernameAttribute == "" {
		c.UsernameAttribute = filterAttribute(c.UserFilter)
	}
	if c.IDAttribute == "" {
		c.IDAttribute = "entryUUID"
	}
	if c.BindPasswordFile != "" {
		b, err := os.ReadFile(c.BindPasswordFile)
		if err != nil {
			return fmt.Errorf("[ldap] bind_password_file: %w", err)
		}
		c.BindPassword = strings.TrimRight(string(b), "\r\n")
	}
	if c.BindDN != "" && c.BindPassword == "" {
		return errors.New("[ldap] bind_dn is set but its password is empty: put it in bind_password_file")
	}
	if c.SyncInterval.Duration <= 0 {
		c.SyncInterval.Duration = defaultSyncInterval
	}
	if c.MaxDeactivateFraction <= 0 {
		c.MaxDeactivateFraction = defaultMaxFraction
	}
	if c.MaxDeactivateFraction > 1 {
		return errors.New("[ldap] max_deactivate_fraction is a share between 0 and 1 (e.g. 0.1)")
	}
	if c.Timeout.Duration <= 0 {
		c.Timeout.Duration = defaultTimeout
	}
	return nil
}

// filterAttribute is the attribute a filter compares with {username}:
// "uid" in "(&(objectClass=person)(uid={username}))".
func filterAttribute(filter string) string {
	i := strings.Index(filter, "={username}")
	if i < 0 {
		return "uid"
	}
	j := strings.LastIndex(filter[:i], "(")
	return filter[j+1 : i]
}

// tlsConfig is the TLS the directory must pass: its certificate verified
// against CAFile (or the system roots) and its host name.
func (c *Config) tlsConfig() (*tls.Config, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("[ldap] ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("[ldap] ca_file %s holds no PEM certificate", c.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
