package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// The administrator's side of escrow, through the real binary and server:
// init writes the private key offline-bound, the server serves the public
// key, a device escrows its key, recover writes a key file the temporary
// password opens.
func TestEscrowCommands(t *testing.T) {
	a := newAdmin(t)
	a.addUser("ana")
	if _, errs, code := a.run("escrow", "show"); code != 1 || !strings.Contains(errs, "escrow init") {
		t.Fatalf("show before init: %d %s", code, errs)
	}
	keyFile := filepath.Join(t.TempDir(), "org.key")
	out, errs, code := a.run("escrow", "init", "--out", keyFile)
	if code != 0 || !strings.Contains(errs, "OFFLINE") || !strings.Contains(out, keyFile) {
		t.Fatalf("init: %d\n%s%s", code, out, errs)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v %v", fi, err)
	}
	if _, errs, code := a.run("escrow", "init", "--out", keyFile+"2"); code != 1 || !strings.Contains(errs, "already") {
		t.Fatalf("a second init: %d %s", code, errs)
	}
	fp := strings.TrimSpace(a.ok("escrow", "show"))
	if !strings.Contains(out, fp) {
		t.Fatalf("init said %q, show %q", out, fp)
	}
	srv := a.serve()
	c := newClient(t, srv.url, srv.fingerprint)
	var served struct {
		PublicKey []byte `json:"public_key"`
	}
	json.Unmarshal(c.must("GET", "/api/v1/escrow-key", nil, 200), &served)
	pub, err := remote.ParseEscrowKey(served.PublicKey)
	if err != nil || pub.Fingerprint() != fp {
		t.Fatalf("served key %x: %v", served.PublicKey, err)
	}
	c.signin("ana", "laptop")
	master, _ := crypt.NewMasterKey()
	c.must("PUT", c.obj("config", "archive"), []byte(`{"cairn":"archive","format":1,"id":"00112233445566778899aabbccddeeff"}`), 201)
	sealed, _ := remote.SealEscrow(pub, remote.Escrowed{ArchiveID: "00112233445566778899aabbccddeeff", DeviceID: c.dev, Key: master[:]})
	body, _ := json.Marshal(map[string]any{"key_fingerprint": fp, "sealed": sealed})
	c.must("PUT", "/api/v1/devices/"+c.dev+"/escrow", body, 204)

	if _, errs, code := a.run("escrow", "recover", "--user", "ana", "--device", "laptop"); code != 2 || !strings.Contains(errs, "--private-key") {
		t.Fatalf("recover without a key: %d %s", code, errs)
	}
	a.env = append(a.env, "CAIRN_ESCROW_PASSWORD=temporary-pw")
	out = a.ok("escrow", "recover", "--user", "ana", "--device", "laptop", "--private-key", keyFile)
	if !strings.Contains(out, c.dev) || !strings.Contains(out, "cairn dest passwd") {
		t.Fatalf("recover said %q", out)
	}
	var keys []struct{ Name string }
	json.Unmarshal(c.must("GET", "/api/v1/devices/"+c.dev+"/keys/", nil, 200), &keys)
	if len(keys) != 1 {
		t.Fatalf("key files %v", keys)
	}
	w, _ := crypt.ParseWrappedKey(c.must("GET", c.obj("keys", keys[0].Name), nil, 200))
	if got, err := w.Unwrap([]byte("temporary-pw")); err != nil || got != master {
		t.Fatalf("the temporary password does not open the recovered key: %v", err)
	}
}
