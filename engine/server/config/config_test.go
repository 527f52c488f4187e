package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/config"
)

// The example of docs/SERVER.md, with its files made.
func TestTheDocumentedExampleLoads(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bindPW, secret := write("ldap-bind.pw", "s3cret\n"), write("oidc.secret", "client-secret\n")
	text := `
[server]
url = "https://backup.example.org:8443"

[ldap]
url = "ldaps://dc.example.org"
ca_file = ""
bind_dn = "cn=cairn,ou=services,dc=example,dc=org"
bind_password_file = "` + bindPW + `"
user_base = "ou=people,dc=example,dc=org"
user_filter = "(&(objectClass=person)(sAMAccountName={username}))"
allowed_groups = ["cn=backup-users,ou=groups,dc=example,dc=org"]
admin_groups = ["cn=backup-admins,ou=groups,dc=example,dc=org"]
sync_interval = "30m"
max_deactivate_fraction = 0.05

[oidc]
issuer = "https://login.example.org"
client_id = "cairn"
client_secret_file = "` + secret + `"
label = "Example University"
scopes = ["openid", "profile", "email", "groups"]
username_claim = "preferred_username"
groups_claim = "groups"
allowed_groups = ["backup-users"]
admin_groups = ["backup-admins"]
check_refresh = true
sync_interval = "1h"
max_deactivate_fraction = 0.1

[keys]
kek_file = "/etc/cairn/kek"
`
	f, err := config.Parse("cairn.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	if f.LDAP.BindPassword != "s3cret" || f.LDAP.UsernameAttribute != "sAMAccountName" ||
		f.LDAP.SyncInterval.Duration != 30*time.Minute || f.LDAP.MaxDeactivateFraction != 0.05 {
		t.Errorf("ldap = %+v", f.LDAP)
	}
	if f.OIDC.ClientSecret != "client-secret" || f.OIDC.Label != "Example University" || !f.OIDC.CheckRefresh ||
		f.OIDC.SyncInterval.Duration != time.Hour || f.OIDC.Scopes[len(f.OIDC.Scopes)-1] != "offline_access" {
		t.Errorf("oidc = %+v", f.OIDC)
	}
	if f.Keys.KEKFile != "/etc/cairn/kek" {
		t.Errorf("keys = %+v", f.Keys)
	}
}

func TestMistakesAreNamed(t *testing.T) {
	for name, tc := range map[string]struct{ text, want string }{
		"a typo":          {"[ldap]\nurl = \"ldaps://dc\"\nuser_base = \"o=x\"\nuser_fliter = \"(uid={username})\"\n", "ldap.user_fliter"},
		"unknown section": {"[saml]\nurl = \"x\"\n", "saml"},
		"plain ldap":      {"[ldap]\nurl = \"ldap://dc\"\nuser_base = \"o=x\"\n", "start_tls"},
		"bad duration":    {"[ldap]\nurl = \"ldaps://dc\"\nuser_base = \"o=x\"\nsync_interval = \"soon\"\n", "duration"},
		"no issuer":       {"[oidc]\nclient_id = \"c\"\n", "issuer"},
		"no server url":   {"[oidc]\nissuer = \"https://login.example.org\"\nclient_id = \"c\"\n", "[server] url"},
		"not toml":        {"[ldap\n", "cairn.toml"},
		"empty kek":       {"[keys]\n", "kek_file"},
		"refresh unsealed": {"[server]\nurl = \"https://b.example.org\"\n[oidc]\nissuer = \"https://login.example.org\"\n" +
			"client_id = \"c\"\ncheck_refresh = true\n", "refresh_key_file"},
		"check too often": {"[server]\nurl = \"https://b.example.org\"\n[oidc]\nissuer = \"https://login.example.org\"\n" +
			"client_id = \"c\"\nsync_interval = \"10s\"\n", "sync_interval"},
	} {
		_, err := config.Parse("cairn.toml", tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want it to name %q", name, err, tc.want)
		}
	}
}
