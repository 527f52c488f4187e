package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// serve --config with [oidc]: the web pages offer the organisation's
// sign-in and finish it through the one callback the provider knows.
func TestServeSignsTheWebPagesInWithTheOrganisationsAccount(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // a port for [server] url, which must be known first
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "https://" + addr
	p := testservers.StartOIDC(t, ssobroker.CallbackURL(base))
	p.AddUser("ada", "ada-pw", "backup-users")
	dir := t.TempDir()
	secret := filepath.Join(dir, "oidc.secret")
	os.WriteFile(secret, []byte(p.ClientSecret+"\n"), 0o600)
	conf := filepath.Join(dir, "cairn.toml")
	os.WriteFile(conf, []byte(`[server]
url = "`+base+`"
[oidc]
issuer = "`+p.Issuer+`"
client_id = "`+p.ClientID+`"
client_secret_file = "`+secret+`"
label = "Example University"
scopes = ["openid", "profile", "email", "groups"]
allowed_groups = ["backup-users"]
`), 0o600)
	srv := newAdmin(t).serve("--config", conf, "--listen", addr)
	defer srv.stop()

	b := testservers.NewBrowser()
	b.Client.Transport = newClient(t, srv.url, srv.fingerprint).http.Transport
	page, err := b.Get(base + "/web/signin")
	if err != nil || !strings.Contains(page.Body, "Sign in with Example University") {
		t.Fatalf("no single sign-on on the sign-in page: %v %+v", err, page)
	}
	page, err = b.SignIn(p, base+"/web/sso?next=/web/account", "ada", "ada-pw")
	if err != nil || !strings.Contains(page.Body, `<meta http-equiv="refresh" content="0;url=/web/account">`) {
		t.Fatalf("the sign-in did not finish in the web pages: %v %+v", err, page)
	}
	page, err = b.Get(base + "/web/account")
	if err != nil || page.URL.Path != "/web/account" || !strings.Contains(page.Body, `<span class="who">ada</span>`) {
		t.Fatalf("no web session after the sign-in: %v %+v", err, page)
	}
}
