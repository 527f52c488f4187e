package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// A person removed from the directory after the last sync loses their
// device tokens at the first use past the sync interval, not only at the
// next sync that succeeds; before then the directory is not asked.
func TestTokenUseAsksTheDirectoryOncePerInterval(t *testing.T) {
	c := newCampus(t)
	r := c.signinAs("ada", "ada-dir-pw", "laptop")
	expect(t, r, http.StatusOK, "")
	var in struct {
		Token    string `json:"token"`
		DeviceID string `json:"device_id"`
	}
	json.Unmarshal(r.body, &in)
	expect(t, c.do("PUT", objPath(in.DeviceID, "keys", "k"), in.Token, "key"), http.StatusCreated, "")

	c.ldap.Delete(t, c.ada)
	// Confirmed at the sign-in: within the interval the token works
	// without a lookup.
	c.clock.Advance(10 * time.Minute)
	expect(t, c.do("GET", "/api/v1/devices", in.Token, nil), http.StatusOK, "")
	// Past it, the token's use looks her up: gone.
	c.clock.Advance(6 * time.Minute)
	expect(t, c.do("GET", "/api/v1/devices", in.Token, nil), http.StatusForbidden, "disabled")
	u, err := c.data.Records.User(t.Context(), "ada")
	if err != nil || !u.Disabled || !u.SyncDisabled {
		t.Fatalf("ada after leaving: %+v %v", u, err)
	}
	if objs, err := c.data.Records.Objects(t.Context(), records.ObjectQuery{Device: in.DeviceID}); err != nil || len(objs) != 1 {
		t.Errorf("ada's data went with her account: %d objects, %v", len(objs), err)
	}
}

// A sync confirms everyone it lists; when it refused a mass removal, the
// check at token use disables no one either (it searches with the same
// filter).
func TestTokenUseFollowsTheSyncAndItsMassRemovalGuard(t *testing.T) {
	c := newCampus(t)
	tokens := map[string]string{}
	for _, who := range [][2]string{{"ada", "ada-dir-pw"}, {"bob", "bob-dir-pw"}} {
		r := c.signinAs(who[0], who[1], "laptop")
		expect(t, r, http.StatusOK, "")
		var in struct{ Token string }
		json.Unmarshal(r.body, &in)
		tokens[who[0]] = in.Token
	}
	c.clock.Advance(14 * time.Minute)
	if err := c.srv.SyncDirectory(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The sync confirmed both: 14 more minutes need no lookup even with
	// the directory's people gone (max_deactivate_fraction 0.5 of 2: one).
	c.ldap.Delete(t, c.ada)
	c.ldap.Delete(t, c.bob)
	c.clock.Advance(14 * time.Minute)
	expect(t, c.do("GET", "/api/v1/devices", tokens["ada"], nil), http.StatusOK, "")
	if err := c.srv.SyncDirectory(t.Context()); err == nil {
		t.Fatal("a sync removing everyone was not refused")
	}
	c.clock.Advance(2 * time.Minute)
	expect(t, c.do("GET", "/api/v1/devices", tokens["ada"], nil), http.StatusOK, "")
	expect(t, c.do("GET", "/api/v1/devices", tokens["bob"], nil), http.StatusOK, "")
}

// A directory that cannot be reached locks no one out.
func TestTokenUseGoesOnWhenTheDirectoryIsDown(t *testing.T) {
	dir, err := ldapdir.New(ldapdir.Config{URL: "ldap://127.0.0.1:1", InsecurePlaintext: true,
		UserBase: "ou=people,dc=example,dc=org", Timeout: ldapdir.Duration{Duration: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestServer(t, func(o *Options) { o.Directory = dir })
	u, err := c.data.Records.AddUser(t.Context(), records.User{Name: "ada", Source: records.SourceLDAP,
		ExternalID: "6f1c3a1e-0000-4000-8000-000000000001", Created: c.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.srv.newDeviceToken(t.Context(), u, signinRequest{Device: "laptop", OS: "linux"})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/v1/devices", out.Token, nil), http.StatusOK, "")
	expect(t, c.do("GET", "/api/v1/devices", out.Token, nil), http.StatusOK, "")
	if u, _ := c.data.Records.User(t.Context(), "ada"); u.Disabled {
		t.Error("disabled while the directory was down")
	}
	// Asked once, then not again until the backoff has passed.
	if n := strings.Count(c.log.String(), "could not confirm an account"); n != 1 {
		t.Errorf("the directory was asked %d times", n)
	}
	c.clock.Advance(lookupBackoff)
	expect(t, c.do("GET", "/api/v1/devices", out.Token, nil), http.StatusOK, "")
	if n := strings.Count(c.log.String(), "could not confirm an account"); n != 2 {
		t.Errorf("after the backoff, the directory was asked %d times in all", n)
	}
}
