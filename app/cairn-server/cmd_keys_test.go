package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keys init makes the KEK file, serve --config offers organisation-held
// keys with it, keys rotate re-wraps them, and the server started on the
// rotated file with its old lines removed still gives each key back.
func TestKeysInitServeRotate(t *testing.T) {
	dir := t.TempDir()
	kekPath := filepath.Join(dir, "kek")
	conf := filepath.Join(dir, "cairn.toml")
	os.WriteFile(conf, []byte("[keys]\nkek_file = \""+kekPath+"\"\n"), 0o600)
	a := newAdmin(t)
	a.addUser("ana")

	if _, errs, code := a.run("serve", "--listen", "127.0.0.1:0", "--config", conf); code == 0 || !strings.Contains(errs, "keys init") {
		t.Errorf("serve without the KEK file: exit %d\n%s", code, errs)
	}
	if out := a.ok("keys", "init", "--config", conf); !strings.Contains(out, "Back it up") {
		t.Errorf("keys init said:\n%s", out)
	}
	if _, errs, code := a.run("keys", "init", "--config", conf); code == 0 || !strings.Contains(errs, "never overwritten") {
		t.Errorf("a second keys init: exit %d\n%s", code, errs)
	}

	srv := a.serve("--config", conf)
	c := newClient(t, srv.url, srv.fingerprint)
	c.signin("ana", "laptop")
	secret := []byte("WXYZ-the-archive-secret")
	body, _ := json.Marshal(map[string][]byte{"secret": secret})
	c.must("PUT", "/api/v1/devices/"+c.dev+"/orgkey", body, 204)
	srv.stop()

	out := a.ok("keys", "rotate", "--config", conf)
	if !strings.Contains(out, "1 organisation-held keys re-wrapped") || !strings.Contains(out, "may now be removed") {
		t.Errorf("keys rotate said:\n%s", out)
	}
	b, _ := os.ReadFile(kekPath)
	first, _, _ := bytes.Cut(b, []byte("\n"))
	os.WriteFile(kekPath, append(first, '\n'), 0o600)

	srv = a.serve("--config", conf)
	c = newClient(t, srv.url, srv.fingerprint)
	c.signin("ana", "laptop")
	var got struct{ Secret []byte }
	json.Unmarshal(c.must("GET", "/api/v1/devices/"+c.dev+"/orgkey", nil, 200), &got)
	if !bytes.Equal(got.Secret, secret) {
		t.Errorf("after rotation: %q", got.Secret)
	}
	srv.stop()
	if strings.Contains(srv.stderr.String(), string(secret)) {
		t.Error("the secret is in the server's log")
	}
}
