package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve --config with [oidc]: the clients' sign-in button gets the label.
func TestServeTellsClientsTheSignOnLabel(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "cairn.toml")
	os.WriteFile(conf, []byte(`[server]
url = "https://backup.example.org"
[oidc]
issuer = "http://127.0.0.1:9"
client_id = "cairn"
label = "Example University"
`), 0o600)
	a := newAdmin(t)
	srv := a.serve("--config", conf)
	defer srv.stop()
	c := newClient(t, srv.url, srv.fingerprint)
	got := string(c.must("GET", "/api/v1/signin/methods", nil, 200))
	if !strings.Contains(got, `"sso":{"label":"Example University"}`) || !strings.Contains(got, `"password":true`) {
		t.Errorf("methods: %s", got)
	}
}
