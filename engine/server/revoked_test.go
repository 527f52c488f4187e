package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// refusal is a refused token's answer as a client reads it.
type refusal struct {
	Error      string `json:"error"`
	Code       string `json:"code"`
	Reason     string `json:"reason"`
	ReplacedBy string `json:"replaced_by"`
	At         int64  `json:"at"`
}

func refusalOf(t *testing.T, r reply) refusal {
	t.Helper()
	var f refusal
	if r.StatusCode != 401 || json.Unmarshal(r.body, &f) != nil || f.Error == "" {
		t.Fatalf("%s %s: got %d %s, want a 401 with words", r.Request.Method, r.Request.URL.Path, r.StatusCode, r.body)
	}
	return f
}

// TestRevokedTokenSaysWhy: a computer whose sign-in was revoked is told
// why, so its person knows what happened: another computer took the device
// over (with that computer's name and when), or it was signed out (and
// how). A token the server never issued stays a bare "token".
func TestRevokedTokenSaysWhy(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	f := refusalOf(t, s.do("GET", "/api/v1/devices", "never-issued", nil))
	if f.Code != "token" || f.Reason != "" || f.At != 0 {
		t.Fatalf("unknown token: %+v", f)
	}

	old, oldID := s.signin("ana", "old-laptop")
	s.clock.Advance(time.Hour)
	adoptedAt := s.clock.Now().UnixNano()
	r := s.do("POST", "/api/v1/signin", "", map[string]string{"user": "ana", "password": "pw-ana",
		"device": "new-laptop", "os": "linux", "adopt": oldID})
	expect(t, r, 200, "")
	s.clock.Advance(time.Hour)
	f = refusalOf(t, s.do("PUT", objPath(oldID, "packs", "p1"), old, "x"))
	if f.Code != "device_replaced" || f.ReplacedBy != "new-laptop" || f.At != adoptedAt {
		t.Fatalf("replaced device: %+v", f)
	}

	cases := []struct {
		reason string
		revoke func(token, device string)
	}{
		{records.RevokedSignout, func(token, _ string) { expect(t, s.do("POST", "/api/v1/signout", token, nil), 204, "") }},
		{records.RevokedRetired, func(_, device string) {
			if err := s.data.Records.RetireDevice(t.Context(), device, s.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for i, c := range cases {
		token, dev := s.signin("ana", "computer-"+c.reason)
		s.clock.Advance(time.Minute)
		at := s.clock.Now().UnixNano()
		c.revoke(token, dev)
		s.clock.Advance(time.Minute)
		f := refusalOf(t, s.do("GET", "/api/v1/devices", token, nil))
		if f.Code != "signed_out" || f.Reason != c.reason || f.At != at || f.ReplacedBy != "" {
			t.Errorf("case %d (%s): %+v", i, c.reason, f)
		}
	}
}

// TestUnusedTokenExpires: a token unused for longer than TokenIdle stops
// working, and says so; one used within it goes on working.
func TestUnusedTokenExpires(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.TokenIdle = 30 * 24 * time.Hour })
	s.addUser("ana", records.User{})
	token, _ := s.signin("ana", "laptop")
	s.clock.Advance(29 * 24 * time.Hour)
	expect(t, s.do("GET", "/api/v1/devices", token, nil), 200, "")
	s.clock.Advance(29 * 24 * time.Hour) // 58 days after sign-in, 29 after its last use
	expect(t, s.do("GET", "/api/v1/devices", token, nil), 200, "")
	s.clock.Advance(30*24*time.Hour + time.Minute)
	at := s.clock.Now().UnixNano()
	for range 2 { // refused, and then recorded as revoked
		f := refusalOf(t, s.do("GET", "/api/v1/devices", token, nil))
		if f.Code != "signed_out" || f.Reason != records.RevokedExpired || f.At != at {
			t.Fatalf("expired token: %+v", f)
		}
		s.clock.Advance(time.Hour)
	}
	token, _ = s.signin("ana", "laptop")
	expect(t, s.do("GET", "/api/v1/devices", token, nil), 200, "")
}

// TestSignoutAllDevices: revoking all of a user's tokens (cairn-server
// user signout, the admin page) signs out every device of theirs, and no
// one else's.
func TestSignoutAllDevices(t *testing.T) {
	s := newTestServer(t)
	ana := s.addUser("ana", records.User{})
	s.addUser("bob", records.User{})
	laptop, _ := s.signin("ana", "laptop")
	desktop, _ := s.signin("ana", "desktop")
	bobs, _ := s.signin("bob", "laptop")
	n, err := s.data.Records.RevokeUserTokens(t.Context(), ana.ID, records.RevokedAdmin, s.clock.Now())
	if err != nil || n != 2 {
		t.Fatalf("revoked %d: %v", n, err)
	}
	for _, token := range []string{laptop, desktop} {
		if f := refusalOf(t, s.do("GET", "/api/v1/devices", token, nil)); f.Code != "signed_out" || f.Reason != records.RevokedAdmin {
			t.Fatalf("signed-out device: %+v", f)
		}
	}
	expect(t, s.do("GET", "/api/v1/devices", bobs, nil), 200, "")
}
