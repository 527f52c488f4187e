package server

import (
	"testing"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// TestTokenChangesOnlyItsOwnDevice: with one computer's token, the objects
// of the user's other devices, live or retired, can be read (restore, the
// replace-device wizard) but not written or deleted, locks and escrow
// included.
func TestTokenChangesOnlyItsOwnDevice(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	aToken, aDev := s.signin("ana", "computer-a")
	bToken, bDev := s.signin("ana", "computer-b")
	cToken, cDev := s.signin("ana", "computer-c")
	for _, o := range []struct{ token, dev string }{{bToken, bDev}, {cToken, cDev}} {
		expect(t, s.do("PUT", objPath(o.dev, "packs", "p1"), o.token, "pack of "+o.dev), 201, "")
		expect(t, s.do("PUT", objPath(o.dev, "locks", "l1"), o.token, "lock"), 201, "")
	}
	if err := s.data.Records.RetireDevice(t.Context(), cDev, s.clock.Now()); err != nil {
		t.Fatal(err)
	}

	for _, dev := range []string{bDev, cDev} {
		for _, w := range []struct{ method, kind, name string }{
			{"PUT", "packs", "p2"}, {"PUT", "packs", "p1"}, {"DELETE", "packs", "p1"},
			{"PUT", "locks", "l2"}, {"DELETE", "locks", "l1"}, {"PUT", "keys", "k1"},
		} {
			r := s.do(w.method, objPath(dev, w.kind, w.name), aToken, "x")
			expect(t, r, 403, "other_device")
		}
		expect(t, s.do("PUT", "/api/v1/devices/"+dev+"/escrow", aToken, map[string]string{"key_fingerprint": "f"}), 403, "other_device")

		expect(t, s.do("GET", "/api/v1/devices/"+dev+"/packs/", aToken, nil), 200, "")
		expect(t, s.do("HEAD", objPath(dev, "packs", "p1"), aToken, nil), 200, "")
		r := s.do("GET", objPath(dev, "packs", "p1"), aToken, nil)
		expect(t, r, 200, "")
		if string(r.body) != "pack of "+dev {
			t.Fatalf("read %q", r.body)
		}
		r = s.do("GET", "/api/v1/devices/"+dev+"/locks/", aToken, nil)
		if r.StatusCode != 200 || string(r.body) == "[]\n" {
			t.Fatalf("locks of %s after the refused delete: %d %s", dev, r.StatusCode, r.body)
		}
	}
	// Its own device, A changes as before.
	expect(t, s.do("PUT", objPath(aDev, "packs", "p1"), aToken, "mine"), 201, "")
	expect(t, s.do("DELETE", objPath(aDev, "packs", "p1"), aToken, nil), 204, "")
}
