package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// addToken signs device in with token, as the API's sign-in records it.
func (e *env) addToken(u records.User, d records.Device, token string) {
	e.t.Helper()
	sum := sha256.Sum256([]byte(token))
	if err := e.data.Records.AddToken(e.t.Context(), records.Token{Hash: hex.EncodeToString(sum[:]), UserID: u.ID, DeviceID: d.ID},
		e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// api calls the server's API with a device token; it returns the status
// and the answer's code and reason.
func (e *env) api(token string) (status int, code, reason string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/devices", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var f struct{ Code, Reason string }
	json.Unmarshal(b, &f)
	return resp.StatusCode, f.Code, f.Reason
}

var signoutAction = regexp.MustCompile(`/web/account/signins/([0-9a-f]+)/signout`)

// TestOwnSigninsOnTheWeb: a user sees their computers' sign-ins on their
// own page and signs one out, which the computer is then told; another
// user's sign-in cannot be signed out from there (404).
func TestOwnSigninsOnTheWeb(t *testing.T) {
	e := newEnv(t)
	e.addToken(e.ana, e.anaLaptop, "ana-laptop-token")
	e.addToken(e.bob, e.bobDesktop, "bob-desktop-token")
	ana, bob := e.browser(), e.browser()
	ana.mustSignin("ana")
	bob.mustSignin("bob")
	p := ana.get("/web/account")
	expectStatus(t, p, http.StatusOK, "laptop", "Sign out")
	if strings.Contains(p.body, "desktop") {
		t.Fatal("ana's page shows bob's desktop")
	}
	anaID := signoutAction.FindStringSubmatch(p.body)
	bobID := signoutAction.FindStringSubmatch(bob.get("/web/account").body)
	if anaID == nil || bobID == nil {
		t.Fatalf("no sign-out buttons:\n%s", p.body)
	}

	expectStatus(t, ana.post("/web/account", bobID[0], url.Values{}), http.StatusNotFound)
	if st, _, _ := e.api("bob-desktop-token"); st != http.StatusOK {
		t.Fatalf("bob's desktop after ana's try: %d", st)
	}

	p = ana.post("/web/account", anaID[0], url.Values{})
	if p.status != http.StatusSeeOther || p.location() != "/web/account?done=signin-revoked" {
		t.Fatalf("sign out: %d %s", p.status, p.location())
	}
	p = ana.get(p.location())
	expectStatus(t, p, http.StatusOK, "That computer is signed out", "None of your computers is signed in.")
	if st, code, reason := e.api("ana-laptop-token"); st != http.StatusUnauthorized || code != "signed_out" || reason != records.RevokedUser {
		t.Fatalf("ana's laptop after signing it out: %d %s %s", st, code, reason)
	}
	expectStatus(t, ana.post("/web/account", anaID[0], url.Values{}), http.StatusNotFound) // once only
}

// TestAdminSignsOutEveryDevice: the button on a user's page signs out all
// of that user's devices at once, and only theirs.
func TestAdminSignsOutEveryDevice(t *testing.T) {
	e := newEnv(t)
	desktop := e.addDevice(e.ana, "desktop")
	e.addToken(e.ana, e.anaLaptop, "ana-laptop-token")
	e.addToken(e.ana, desktop, "ana-desktop-token")
	e.addToken(e.bob, e.bobDesktop, "bob-desktop-token")
	admin := e.browser()
	admin.mustSignin("root")
	p := admin.post("/web/admin/users/ana", "/web/admin/users/ana", url.Values{"action": {"signout-devices"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign out every device: %d %s", p.status, p.body)
	}
	expectStatus(t, admin.get(p.location()), http.StatusOK, "Every device of ana is signed out")
	for _, token := range []string{"ana-laptop-token", "ana-desktop-token"} {
		if st, code, reason := e.api(token); st != http.StatusUnauthorized || code != "signed_out" || reason != records.RevokedAdmin {
			t.Fatalf("%s: %d %s %s", token, st, code, reason)
		}
	}
	if st, _, _ := e.api("bob-desktop-token"); st != http.StatusOK {
		t.Fatalf("bob's desktop: %d", st)
	}
	expectStatus(t, admin.get("/web/admin/audit"), http.StatusOK, "user.signout-devices")
}

// TestNoticesComeFromKeys: ?done= names a notice; the page writes the
// sentence with what its records say, and shows nothing for a key it does
// not know, so a crafted link cannot put words in the server's mouth.
func TestNoticesComeFromKeys(t *testing.T) {
	e := newEnv(t)
	admin, ana := e.browser(), e.browser()
	admin.mustSignin("root")
	ana.mustSignin("ana")
	const forged = "Your account is locked. Call +1 555 0100 and tell them your password."
	for _, b := range []*browser{admin, ana} {
		for _, path := range []string{"/web/admin/users/ana", "/web/admin/users", "/web/admin/devices", "/web/admin/settings",
			"/web/account", "/web/devices"} {
			p := b.get(path + "?done=" + url.QueryEscape(forged))
			if strings.Contains(p.body, "Call +1 555") {
				t.Errorf("%s shows the sentence of the link", path)
			}
		}
	}
	expectStatus(t, admin.get("/web/admin/users/ana?done=quota-set&quota=1PB"), http.StatusOK, "The quota of ana is now 1.0 TB.")
	p := admin.get("/web/admin/devices?done=device-retired&device=0123456789abcdef0123456789abcdef")
	if strings.Contains(p.body, "Retired") {
		t.Error("a notice about a device that does not exist")
	}
	if p := admin.get("/web/admin/settings?done=quota-set"); strings.Contains(p.body, "The quota") {
		t.Error("a notice of another page")
	}
	p = admin.post("/web/admin/devices", "/web/admin/devices/"+e.bobDesktop.ID+"/retire", url.Values{})
	expectStatus(t, admin.get(p.location()), http.StatusOK, "Retired desktop of bob.")
}
