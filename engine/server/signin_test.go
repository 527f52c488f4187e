package server

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

func signinBody(user, password, device string) map[string]string {
	return map[string]string{"user": user, "password": password, "device": device, "os": "linux"}
}

func TestSignin(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	r := s.do("POST", "/api/v1/signin", "", signinBody("Ana", "pw-ana", "laptop"))
	expect(t, r, 200, "")
	var out signinResponse
	json.Unmarshal(r.body, &out)
	if len(out.Token) < 40 || len(out.DeviceID) != 32 || out.ServerTime != s.clock.Now().UnixNano() {
		t.Fatalf("sign-in answer %s", r.body)
	}
	if r.Header.Get("X-Cairn-Time") != strconv.FormatInt(s.clock.Now().UnixNano(), 10) {
		t.Fatalf("X-Cairn-Time %q", r.Header.Get("X-Cairn-Time"))
	}
	// The token works, and is not what the records keep.
	expect(t, s.do("GET", "/api/v1/devices", out.Token, nil), 200, "")
	if _, err := s.data.Records.Session(t.Context(), out.Token); err == nil {
		t.Fatal("the records keep the token itself")
	}
	for _, tc := range []struct {
		name         string
		body         any
		status       int
		code         string
		slowedBefore bool
	}{
		{"wrong password", signinBody("ana", "pw-bob", "laptop"), 401, "credentials", true},
		{"unknown user", signinBody("bob", "pw-bob", "laptop"), 401, "credentials", true},
		{"invalid user name", signinBody("../x", "pw", "laptop"), 401, "credentials", true},
		{"empty password", signinBody("ana", "", "laptop"), 401, "credentials", true},
		{"no device name", signinBody("ana", "pw-ana", ""), 400, "bad_request", false},
		{"device name with control characters", signinBody("ana", "pw-ana", "a\x00b"), 400, "bad_request", false},
		{"garbage", "{not json", 400, "bad_request", false},
		{"two values", `{"user":"ana"} {}`, 400, "bad_request", false},
		{"oversized", `{"user":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "too_large", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.sleeps.Load()
			expect(t, s.do("POST", "/api/v1/signin", "", tc.body), tc.status, tc.code)
			if slowed := s.sleeps.Load() > before; slowed != tc.slowedBefore {
				t.Fatalf("slowed %v", slowed)
			}
		})
	}
}

func TestSigninDisabled(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, _ := s.signin("ana", "laptop")
	yes := true
	s.data.Records.UpdateUser(t.Context(), "ana", records.UserChange{Disabled: &yes})
	expect(t, s.do("POST", "/api/v1/signin", "", signinBody("ana", "pw-ana", "laptop")), 403, "disabled")
	expect(t, s.do("POST", "/api/v1/signin", "", signinBody("ana", "wrong", "laptop")), 401, "credentials")
	expect(t, s.do("GET", "/api/v1/devices", token, nil), 403, "disabled")
}

func TestSigninRateLimit(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	s.addUser("bob", records.User{})
	for i := range 5 {
		expect(t, s.do("POST", "/api/v1/signin", "", signinBody("ana", fmt.Sprint("guess", i), "laptop")), 401, "credentials")
		s.clock.Advance(time.Minute)
	}
	if s.sleeps.Load() != 5 {
		t.Fatalf("%d of 5 failures slowed", s.sleeps.Load())
	}
	// Now even the right password waits, until the first failure is 15
	// minutes old (it is 5 minutes old now).
	r := s.do("POST", "/api/v1/signin", "", signinBody("ana", "pw-ana", "laptop"))
	expect(t, r, 429, "rate_limited")
	if ra := r.Header.Get("Retry-After"); ra != "600" {
		t.Fatalf("Retry-After %q", ra)
	}
	if msg := string(r.body); !strings.Contains(msg, "for this user name from this address; try again in 10 minutes") {
		t.Fatalf("message %s", msg)
	}
	// The limit is ana's, from this address: bob, from the same address,
	// signs in.
	s.signin("bob", "laptop")
	s.clock.Advance(10 * time.Minute)
	s.signin("ana", "laptop")
}

func TestSigninRateLimitPerAddress(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	for i := range 20 { // twenty user names, one address
		expect(t, s.do("POST", "/api/v1/signin", "", signinBody(fmt.Sprint("user", i), "x", "laptop")), 401, "credentials")
	}
	r := s.do("POST", "/api/v1/signin", "", signinBody("ana", "pw-ana", "laptop"))
	expect(t, r, 429, "rate_limited")
	if msg := string(r.body); !strings.Contains(msg, "too many failed sign-ins from this address; try again in 15 minutes, or ask your administrator") {
		t.Fatalf("message %s", msg)
	}
	s.clock.Advance(15 * time.Minute)
	s.signin("ana", "laptop")
}

func TestFifthDeviceRefused(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	var ids []string
	for i := range 4 {
		_, id := s.signin("ana", fmt.Sprint("computer ", i))
		ids = append(ids, id)
	}
	if _, id := s.signin("ana", "computer 0"); id != ids[0] {
		t.Fatal("signing in again from a registered device made a new one")
	}
	r := s.do("POST", "/api/v1/signin", "", signinBody("ana", "pw-ana", "computer 4"))
	expect(t, r, 403, "device_limit")
	if !strings.Contains(r.code()+string(r.body), "ana has 4 devices already") {
		t.Fatalf("message %s", r.body)
	}
	if err := s.data.Records.RetireDevice(t.Context(), ids[2], s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.signin("ana", "computer 4")
}

func TestTokens(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, _ := s.signin("ana", "laptop")
	other, otherDev := s.signin("ana", "desktop")
	for _, bad := range []string{"", "garbage", strings.Repeat("x", 300)} {
		expect(t, s.do("GET", "/api/v1/devices", bad, nil), 401, "token")
	}
	r := s.do("GET", "/api/v1/devices", "", nil, "Authorization", "Basic YW5hOnB3")
	expect(t, r, 401, "token")
	expect(t, s.do("POST", "/api/v1/signout", token, nil), 204, "")
	expect(t, s.do("GET", "/api/v1/devices", token, nil), 401, "signed_out")
	expect(t, s.do("POST", "/api/v1/signout", token, nil), 401, "signed_out")
	// Retiring a device revokes its tokens.
	expect(t, s.do("GET", "/api/v1/devices", other, nil), 200, "")
	s.data.Records.RetireDevice(t.Context(), otherDev, s.clock.Now())
	expect(t, s.do("PUT", objPath(otherDev, "keys", "k"), other, "x"), 401, "signed_out")
}

func TestLastSeenIsRecorded(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	s.clock.Advance(time.Hour)
	expect(t, s.do("GET", "/api/v1/devices", token, nil), 200, "")
	d, _ := s.data.Records.Device(t.Context(), dev)
	if !d.LastSeen.Equal(s.clock.Now()) {
		t.Fatalf("last seen %v", d.LastSeen)
	}
}
