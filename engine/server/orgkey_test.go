package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// newKEK makes a kek file and loads it.
func newKEK(t *testing.T) (*kek.Ring, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	r, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return r, path
}

func orgKeyPath(device string) string { return "/api/v1/devices/" + device + "/orgkey" }

// fetchOrgKey GETs a device's secret.
func (s *testServer) fetchOrgKey(token, device string) []byte {
	s.t.Helper()
	r := s.do("GET", orgKeyPath(device), token, nil)
	expect(s.t, r, http.StatusOK, "")
	if r.Header.Get("Cache-Control") != "no-store" {
		s.t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	var out orgKeyJSON
	json.Unmarshal(r.body, &out)
	return out.Secret
}

func TestOrgKeyNotOfferedWithoutKEK(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	tok, dev := s.signin("ana", "laptop")
	expect(t, s.do("PUT", orgKeyPath(dev), tok, orgKeyJSON{Secret: []byte("x")}), http.StatusConflict, "not_offered")
	expect(t, s.do("GET", orgKeyPath(dev), tok, nil), http.StatusConflict, "not_offered")
}

func TestOrgKeyOnlyForTheUsersOwnDevices(t *testing.T) {
	ring, _ := newKEK(t)
	s := newTestServer(t, func(o *Options) { o.KEK = ring })
	s.addUser("ana", records.User{})
	s.addUser("bo", records.User{})
	tokA, devA := s.signin("ana", "laptop")
	tokA2, devA2 := s.signin("ana", "desktop")
	tokB, _ := s.signin("bo", "laptop")
	secret := []byte("ABCD-EFGH-IJKL-the-archive-secret-of-ana")

	expect(t, s.do("GET", orgKeyPath(devA), tokA, nil), http.StatusNotFound, "not_found")
	expect(t, s.do("PUT", orgKeyPath(devA), tokA, orgKeyJSON{Secret: secret}), http.StatusNoContent, "")
	if got := s.fetchOrgKey(tokA, devA); !bytes.Equal(got, secret) {
		t.Fatalf("fetched %q", got)
	}
	// Another computer of the same person reads it (replace, restore)...
	if got := s.fetchOrgKey(tokA2, devA); !bytes.Equal(got, secret) {
		t.Fatalf("the other device fetched %q", got)
	}
	// ...but may not change it; another person does not learn it exists.
	expect(t, s.do("PUT", orgKeyPath(devA), tokA2, orgKeyJSON{Secret: []byte("other")}), http.StatusForbidden, "other_device")
	expect(t, s.do("GET", orgKeyPath(devA), tokB, nil), http.StatusNotFound, "not_found")
	expect(t, s.do("PUT", orgKeyPath(devA), tokB, orgKeyJSON{Secret: []byte("other")}), http.StatusNotFound, "not_found")
	expect(t, s.do("GET", orgKeyPath(devA2), tokA, nil), http.StatusNotFound, "not_found")
	expect(t, s.do("PUT", orgKeyPath(devA), tokA, orgKeyJSON{Secret: bytes.Repeat([]byte{1}, MaxOrgSecret+1)}), http.StatusBadRequest, "bad_request")
	expect(t, s.do("PUT", orgKeyPath(devA), tokA, orgKeyJSON{}), http.StatusBadRequest, "bad_request")
	expect(t, s.do("GET", orgKeyPath(devA), "", nil), http.StatusUnauthorized, "")

	if bytes.Contains([]byte(s.log.String()), secret) {
		t.Error("the secret is in the server's log")
	}
	assertNotOnDisk(t, s.data.Dir, secret)
}

func TestOrgKeyTamperedRowRefused(t *testing.T) {
	ring, _ := newKEK(t)
	s := newTestServer(t, func(o *Options) { o.KEK = ring })
	s.addUser("ana", records.User{})
	tokA, devA := s.signin("ana", "laptop")
	_, devA2 := s.signin("ana", "desktop")
	expect(t, s.do("PUT", orgKeyPath(devA), tokA, orgKeyJSON{Secret: []byte("secret-a")}), http.StatusNoContent, "")
	ctx := t.Context()
	k, _ := s.data.Records.OrgKey(ctx, devA)
	// The row moved to another device of the same person does not open.
	s.data.Records.SetOrgKey(ctx, records.OrgKey{Device: devA2, KEK: k.KEK, Wrapped: k.Wrapped})
	expect(t, s.do("GET", orgKeyPath(devA2), tokA, nil), http.StatusInternalServerError, "orgkey_unreadable")
	k.Wrapped[len(k.Wrapped)-1] ^= 1
	s.data.Records.SetOrgKey(ctx, k)
	expect(t, s.do("GET", orgKeyPath(devA), tokA, nil), http.StatusInternalServerError, "orgkey_unreadable")
}

func TestOrgKeyRotationRewraps(t *testing.T) {
	ring, path := newKEK(t)
	s := newTestServer(t, func(o *Options) { o.KEK = ring })
	s.addUser("ana", records.User{})
	s.addUser("bo", records.User{})
	tokA, devA := s.signin("ana", "laptop")
	tokB, devB := s.signin("bo", "laptop")
	expect(t, s.do("PUT", orgKeyPath(devA), tokA, orgKeyJSON{Secret: []byte("secret-a")}), http.StatusNoContent, "")
	expect(t, s.do("PUT", orgKeyPath(devB), tokB, orgKeyJSON{Secret: []byte("secret-b")}), http.StatusNoContent, "")
	if _, err := kek.Rotate(path); err != nil {
		t.Fatal(err)
	}
	rotated, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := RewrapOrgKeys(t.Context(), s.data.Records, rotated, s.clock.Now)
	if err != nil || n != 2 {
		t.Fatalf("re-wrapped %d: %v", n, err)
	}
	if n, _ := RewrapOrgKeys(t.Context(), s.data.Records, rotated, s.clock.Now); n != 0 {
		t.Errorf("a second run re-wrapped %d", n)
	}
	// The old key gone from the file, everything still opens.
	os.WriteFile(path, []byte(rotatedFirstLine(t, path)), 0o600)
	onlyNew, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ dev, secret string }{{devA, "secret-a"}, {devB, "secret-b"}} {
		d, _ := s.data.Records.Device(t.Context(), want.dev)
		k, _ := s.data.Records.OrgKey(t.Context(), want.dev)
		got, err := OrgSecret(t.Context(), s.data.Records, onlyNew, d)
		if err != nil || string(got) != want.secret || k.KEK != onlyNew.Current() {
			t.Errorf("%s after rotation: %q %v (kek %s)", want.dev, got, err, k.KEK)
		}
	}
	// Without the KEK, nothing opens.
	other, _ := newKEK(t)
	d, _ := s.data.Records.Device(t.Context(), devA)
	if _, err := OrgSecret(t.Context(), s.data.Records, other, d); !errors.Is(err, kek.ErrUnknownKey) {
		t.Errorf("another KEK file: %v", err)
	}
}

func rotatedFirstLine(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(line) + "\n"
}

// assertNotOnDisk scans every file of the data folder (the records'
// database and its journal, the blobs) for the secret, raw or in base64.
func assertNotOnDisk(t *testing.T, dir string, secret []byte) {
	t.Helper()
	needles := [][]byte{secret, []byte(base64.StdEncoding.EncodeToString(secret))}
	files := 0
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("read %s: %v", p, err)
		}
		files++
		for _, n := range needles {
			if bytes.Contains(b, n) {
				t.Errorf("%s holds the secret", p)
			}
		}
		return nil
	})
	if files == 0 {
		t.Fatalf("no files in %s", dir)
	}
}
