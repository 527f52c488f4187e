package server

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

func TestEscrowKeyIsServedOnlyOnceMade(t *testing.T) {
	s := newTestServer(t)
	expect(t, s.do("GET", "/api/v1/escrow-key", "", nil), http.StatusNotFound, "no_escrow")
	pub, priv, err := InitEscrow(t.Context(), s.data.Records, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := InitEscrow(t.Context(), s.data.Records, false); !errors.Is(err, ErrEscrowConfigured) {
		t.Fatalf("a second init: %v", err)
	}
	if got, _ := remote.EscrowPublic(priv); got != pub {
		t.Fatal("the private key is not the public key's")
	}
	r := s.do("GET", "/api/v1/escrow-key", "", nil)
	expect(t, r, http.StatusOK, "")
	var out struct {
		PublicKey   []byte `json:"public_key"`
		Fingerprint string `json:"fingerprint"`
	}
	json.Unmarshal(r.body, &out)
	if !bytes.Equal(out.PublicKey, pub[:]) || out.Fingerprint != pub.Fingerprint() {
		t.Fatalf("served %x %s", out.PublicKey, out.Fingerprint)
	}
	expect(t, s.do("POST", "/api/v1/escrow-key", "", nil), http.StatusMethodNotAllowed, "")
	// Nothing in the data folder opens an escrowed key.
	if v, _ := s.data.Records.Setting(t.Context(), SettingEscrowKey); strings.Contains(v, string(priv[:])) {
		t.Fatal("the private key is in the records")
	}
}

func sealedFor(t *testing.T, pub remote.EscrowKey, device string) []byte {
	t.Helper()
	var m [32]byte
	rand.Read(m[:])
	b, err := remote.SealEscrow(pub, remote.Escrowed{ArchiveID: "0123456789abcdef", DeviceID: device, Key: m[:]})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEscrowOnlyForTheAccountsOwnDevices(t *testing.T) {
	s := newTestServer(t)
	pub, _, _ := InitEscrow(t.Context(), s.data.Records, false)
	s.addUser("ana", records.User{Quota: 1 << 30, MaxDevices: 4})
	s.addUser("bo", records.User{Quota: 1 << 30, MaxDevices: 4})
	ana, anaDev := s.signin("ana", "laptop")
	bo, boDev := s.signin("bo", "desktop")
	path := func(dev string) string { return "/api/v1/devices/" + dev + "/escrow" }
	body := map[string]any{"key_fingerprint": pub.Fingerprint(), "sealed": sealedFor(t, pub, anaDev)}

	expect(t, s.do("GET", path(anaDev), ana, nil), http.StatusNotFound, "not_found") // none yet
	expect(t, s.do("PUT", path(anaDev), "", body), http.StatusUnauthorized, "token")
	expect(t, s.do("PUT", path(anaDev), bo, body), http.StatusNotFound, "not_found")
	expect(t, s.do("PUT", path(anaDev), ana, body), http.StatusNoContent, "")
	expect(t, s.do("GET", path(anaDev), bo, nil), http.StatusNotFound, "not_found")
	r := s.do("GET", path(anaDev), ana, nil)
	expect(t, r, http.StatusOK, "")
	if bytes.Contains(r.body, []byte("sealed")) || !bytes.Contains(r.body, []byte(pub.Fingerprint())) {
		t.Fatalf("status %s", r.body)
	}
	if _, err := s.data.Records.Escrow(t.Context(), boDev); !errors.Is(err, records.ErrNotFound) {
		t.Fatalf("bo's device has an escrow: %v", err)
	}
	e, err := s.data.Records.Escrow(t.Context(), anaDev)
	if err != nil || !bytes.Equal(e.Sealed, body["sealed"].([]byte)) {
		t.Fatalf("recorded %v %v", e, err)
	}
}

func TestEscrowRefusesWhatIsNotASealedKey(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{Quota: 1 << 30, MaxDevices: 4})
	tok, dev := s.signin("ana", "laptop")
	path := "/api/v1/devices/" + dev + "/escrow"
	expect(t, s.do("PUT", path, tok, map[string]any{"key_fingerprint": "x", "sealed": []byte("abc")}), http.StatusNotFound, "no_escrow")
	pub, _, _ := InitEscrow(t.Context(), s.data.Records, false)
	fp := pub.Fingerprint()
	for _, c := range []struct {
		body   any
		status int
		code   string
	}{
		{map[string]any{"key_fingerprint": "aa:bb", "sealed": sealedFor(t, pub, dev)}, http.StatusConflict, "escrow_key_changed"},
		{map[string]any{"key_fingerprint": fp, "sealed": []byte("short")}, http.StatusBadRequest, "bad_request"},
		{map[string]any{"key_fingerprint": fp, "sealed": make([]byte, remote.MaxEscrowSealed+1)}, http.StatusBadRequest, "bad_request"},
		{map[string]any{"key_fingerprint": fp, "sealed": "not base64!"}, http.StatusBadRequest, "bad_request"},
		{"{", http.StatusBadRequest, "bad_request"},
		{strings.Repeat(" ", 70<<10) + "{}", http.StatusRequestEntityTooLarge, "too_large"},
	} {
		expect(t, s.do("PUT", path, tok, c.body), c.status, c.code)
	}
	if _, err := s.data.Records.Escrow(t.Context(), dev); !errors.Is(err, records.ErrNotFound) {
		t.Fatalf("something was recorded: %v", err)
	}
}

func TestRecoverWritesAKeyFileTheTemporaryPasswordOpens(t *testing.T) {
	s := newTestServer(t)
	pub, priv, _ := InitEscrow(t.Context(), s.data.Records, false)
	s.addUser("ana", records.User{Quota: 1 << 30, MaxDevices: 4})
	tok, dev := s.signin("ana", "laptop")
	master, _ := crypt.NewMasterKey()
	expect(t, s.do("PUT", objPath(dev, "config", "archive"), tok, `{"cairn":"archive","format":1,"id":"0123456789abcdef"}`), http.StatusCreated, "")
	sealed, _ := remote.SealEscrow(pub, remote.Escrowed{ArchiveID: "0123456789abcdef", DeviceID: dev, Key: master[:]})
	expect(t, s.do("PUT", "/api/v1/devices/"+dev+"/escrow", tok, map[string]any{"key_fingerprint": pub.Fingerprint(), "sealed": sealed}), http.StatusNoContent, "")

	_, otherPriv, _ := InitEscrow(t.Context(), s.data.Records, true)
	if _, err := RecoverEscrow(t.Context(), s.data, "ana", "laptop", otherPriv, []byte("temporary"), crypt.TestKDF); err == nil || !strings.Contains(err.Error(), "not the escrow key") {
		t.Fatalf("another private key: %v", err)
	}
	rec, err := RecoverEscrow(t.Context(), s.data, "ana", "laptop", priv, []byte("temporary"), crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	r := s.do("GET", objPath(dev, "keys", rec.KeyObject), tok, nil)
	expect(t, r, http.StatusOK, "")
	w, _ := crypt.ParseWrappedKey(r.body)
	if got, err := w.Unwrap([]byte("temporary")); err != nil || got != master {
		t.Fatalf("the new key file does not open with the temporary password: %v", err)
	}
}
