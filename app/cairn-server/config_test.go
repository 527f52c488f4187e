package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/internal/testservers"
)

// serve --config with an [ldap] section: a person of the directory signs
// in with their directory password, their account is made then, and user
// list says where it comes from.
func TestServeWithTheOrganisationsDirectory(t *testing.T) {
	l := testservers.StartSlapd(t)
	ada := l.AddUser(t, "ada", "ada-dir-password")
	l.AddUser(t, "cairn", "service-pw")
	l.AddGroup(t, "backup-users", ada)
	dir := t.TempDir()
	pw := filepath.Join(dir, "bind.pw")
	os.WriteFile(pw, []byte("service-pw\n"), 0o600)
	conf := filepath.Join(dir, "cairn.toml")
	os.WriteFile(conf, []byte(`[ldap]
url = "`+l.URL+`"
start_tls = true
ca_file = "`+l.CAFile+`"
bind_dn = "uid=cairn,`+l.People+`"
bind_password_file = "`+pw+`"
user_base = "`+l.People+`"
user_filter = "(&(objectClass=person)(uid={username}))"
allowed_groups = ["cn=backup-users,`+l.Groups+`"]
sync_interval = "1h"
`), 0o600)

	a := newAdmin(t)
	a.addUser("root")
	srv := a.serve("--config", conf)
	c := newClient(t, srv.url, srv.fingerprint)
	body, _ := json.Marshal(map[string]string{"user": "ada", "password": "ada-dir-password", "device": "laptop", "os": "linux"})
	c.must("POST", "/api/v1/signin", body, 200)
	list := a.ok("user", "list")
	if !strings.Contains(list, "SOURCE") || !lineHas(list, "ada", "ldap") || !lineHas(list, "root", "local") {
		t.Errorf("user list:\n%s", list)
	}
	srv.stop()

	os.WriteFile(conf, []byte("[ldap]\nurl = \"ldap://x\"\nuser_base = \"o=x\"\nuser_fliter = \"(uid={username})\"\n"), 0o600)
	if _, errs, code := a.run("serve", "--listen", "127.0.0.1:0", "--config", conf); code == 0 || !strings.Contains(errs, "user_fliter") {
		t.Errorf("a typo in the configuration: exit %d\n%s", code, errs)
	}
}

// lineHas reports whether a line of out starts with first and holds
// also.
func lineHas(out, first, also string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, first+" ") && strings.Contains(line, also) {
			return true
		}
	}
	return false
}
