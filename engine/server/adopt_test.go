package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// TestReplaceDevice is the replace-device wizard at the server: a new
// computer lists the account's devices without taking a slot, adopts the
// old one, and the old computer's sign-in stops working.
func TestReplaceDevice(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{MaxDevices: 2})
	s.addUser("bob", records.User{})
	oldToken, oldID := s.signin("ana", "old-laptop")
	s.clock.Advance(time.Hour)
	s.signin("ana", "desktop") // the account is now full
	bobToken, bobID := s.signin("bob", "bobs-laptop")

	// Listing needs the password, and registers nothing.
	expect(t, s.do("POST", "/api/v1/signin/devices", "", map[string]string{"user": "ana", "password": "wrong"}), 401, "credentials")
	r := s.do("POST", "/api/v1/signin/devices", "", map[string]string{"user": "ana", "password": "pw-ana"})
	expect(t, r, 200, "")
	var list []deviceJSON
	json.Unmarshal(r.body, &list)
	if len(list) != 2 || list[0].ID != oldID || list[0].Name != "old-laptop" {
		t.Fatalf("devices %s", r.body)
	}

	adopt := func(user, id, name string) reply {
		return s.do("POST", "/api/v1/signin", "", map[string]string{"user": user, "password": "pw-" + user,
			"device": name, "os": "darwin", "adopt": id})
	}
	expect(t, adopt("ana", bobID, "new-laptop"), 404, "not_found") // not hers
	expect(t, adopt("ana", "0123456789abcdef0123456789abcdef", "new-laptop"), 404, "not_found")
	expect(t, adopt("ana", "../x", "new-laptop"), 404, "not_found")
	expect(t, adopt("ana", oldID, "desktop"), 409, "name_taken")
	expect(t, s.do("GET", "/api/v1/devices", oldToken, nil), 200, "")

	r = adopt("ana", oldID, "new-laptop")
	expect(t, r, 200, "")
	var out signinResponse
	json.Unmarshal(r.body, &out)
	if out.DeviceID != oldID {
		t.Fatalf("adopted device %s, want %s", out.DeviceID, oldID)
	}
	// The new computer reaches the old archive; the old computer is out.
	expect(t, s.do("GET", "/api/v1/devices/"+oldID+"/packs/", out.Token, nil), 200, "")
	expect(t, s.do("GET", "/api/v1/devices", oldToken, nil), 401, "device_replaced")
	expect(t, s.do("GET", "/api/v1/devices", bobToken, nil), 200, "")
	d, err := s.data.Records.Device(t.Context(), oldID)
	if err != nil || d.Name != "new-laptop" || d.OS != "darwin" {
		t.Fatalf("device after adoption: %+v %v", d, err)
	}
	// A retired device cannot be adopted.
	if err := s.data.Records.RetireDevice(t.Context(), oldID, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	expect(t, adopt("ana", oldID, "newer-laptop"), 404, "not_found")
}
