package ssobroker_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

const oldLaptop = "11111111111111111111111111111111"

// replaceSession signs in by the loopback flow as ada with the purpose
// "replace" and returns the broker's answer.
func (w *world) replaceSession(t *testing.T, device string) map[string]any {
	t.Helper()
	v := oauth2.GenerateVerifier()
	q := w.signIn(t, "ada", "ada-pw", v, "replace-state")
	status, out := w.post(t, "/api/v1/signin/sso", map[string]string{"code": q.Get("code"), "code_verifier": v,
		"device": device, "os": "linux", "purpose": "replace"})
	if status != http.StatusOK {
		t.Fatalf("a replace sign-in: %d %v", status, out)
	}
	return out
}

// The wizard's sign-in lists the account's computers and registers
// nothing; its session is then traded once for the token of the computer
// chosen, adopted.
func TestReplaceSessionListsTheDevicesThenAdoptsOnce(t *testing.T) {
	w := newWorld(t, nil)
	out := w.replaceSession(t, "new-laptop")
	secret, _ := out["session"].(string)
	devs, _ := out["devices"].([]any)
	if len(secret) != 43 || out["expires_in"] != 600.0 || out["user"] != "ada" || len(devs) != 2 ||
		devs[0].(map[string]any)["name"] != "ada-old-laptop" || devs[1].(map[string]any)["retired"] != 5.0 {
		t.Fatalf("the session answer: %v", out)
	}
	if n := len(w.accounts.Issued()); n != 0 {
		t.Fatalf("%d tokens issued before the person chose", n)
	}
	if n := w.store.Len(ssobroker.KindSession); n != 1 {
		t.Errorf("%d sessions kept", n)
	}

	trade := map[string]string{"session": secret, "device": "new-laptop", "os": "linux", "adopt": oldLaptop}
	status, tok := w.post(t, "/api/v1/signin/sso", trade)
	if status != http.StatusOK || tok["token"] == "" {
		t.Fatalf("the session traded: %d %v", status, tok)
	}
	issued := w.accounts.Issued()
	if len(issued) != 1 || issued[0].Account.Name != "ada" || issued[0].Device.Adopt != oldLaptop ||
		issued[0].Device.Device != "new-laptop" || issued[0].Device.Addr != "127.0.0.1" {
		t.Errorf("issued %+v", issued)
	}
	if status, out := w.post(t, "/api/v1/signin/sso", trade); status != http.StatusBadRequest || out["code"] != "invalid_grant" {
		t.Errorf("the session traded twice: %d %v", status, out)
	}
	if n := len(w.accounts.Issued()); n != 1 {
		t.Errorf("%d tokens issued", n)
	}
}

// A session is for the computer it was opened for, needs a device to
// adopt, survives a refusal that issued no token, and lasts 10 minutes.
func TestReplaceSessionIsBoundAndShortLived(t *testing.T) {
	w := newWorld(t, nil)
	secret := w.replaceSession(t, "new-laptop")["session"].(string)
	for name, try := range map[string]map[string]string{
		"no adopt":      {"session": secret, "device": "new-laptop", "os": "linux"},
		"other name":    {"session": secret, "device": "mallory", "os": "linux", "adopt": oldLaptop},
		"other OS":      {"session": secret, "device": "new-laptop", "os": "windows", "adopt": oldLaptop},
		"and a code":    {"session": secret, "code": "x", "device": "new-laptop", "os": "linux", "adopt": oldLaptop},
		"gone device":   {"session": secret, "device": "new-laptop", "os": "linux", "adopt": "gone"},
		"wrong purpose": {"session": secret, "device": "new-laptop", "os": "linux", "adopt": oldLaptop, "purpose": "x"},
	} {
		if status, out := w.post(t, "/api/v1/signin/sso", try); status < 400 || status >= 500 || out["code"] == "invalid_grant" {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}
	w.clock.Add(ssobroker.SessionTTL - time.Second)
	trade := map[string]string{"session": secret, "device": "new-laptop", "os": "linux", "adopt": oldLaptop}
	if status, out := w.post(t, "/api/v1/signin/sso", trade); status != http.StatusOK {
		t.Fatalf("after the refusals, within 10 minutes: %d %v", status, out)
	}

	secret = w.replaceSession(t, "new-laptop")["session"].(string)
	w.clock.Add(ssobroker.SessionTTL)
	trade["session"] = secret
	if status, out := w.post(t, "/api/v1/signin/sso", trade); status != http.StatusBadRequest || out["code"] != "invalid_grant" {
		t.Errorf("after 10 minutes: %d %v", status, out)
	}
	if n := len(w.accounts.Issued()); n != 1 {
		t.Errorf("%d tokens issued", n)
	}
}

// A computer without a browser asks for a replace session by the device
// flow: the page says what it will do, and only a poll with the same
// purpose gets the session.
func TestReplaceSessionByTheDeviceFlow(t *testing.T) {
	w := newWorld(t, nil)
	status, dc := w.post(t, "/api/v1/sso/device", map[string]string{"device": "lab-pc-12", "os": "Linux", "purpose": "replace"})
	if status != http.StatusOK {
		t.Fatalf("device authorization: %d %v", status, dc)
	}
	b := testservers.NewBrowser()
	page, err := b.Get(dc["verification_uri_complete"].(string))
	if err != nil || !strings.Contains(page.Body, "Let the computer ‘lab-pc-12’ (Linux) list the computers of your Cairn account") {
		t.Fatalf("the approval page: %v %+v", err, page)
	}
	page = w.approve(t, b, dc["user_code"].(string), "yes", "ada")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "You are signed in as ada") {
		t.Fatalf("after the provider: %d %s", page.Status, page.Body)
	}
	code := dc["device_code"].(string)
	if status, out := w.poll(t, code); status != http.StatusBadRequest || !strings.Contains(out["error"].(string), "purpose") {
		t.Errorf("a poll for a token: %d %v", status, out)
	}
	w.clock.Add(10 * time.Second)
	status, out := w.post(t, "/api/v1/signin/sso", map[string]string{"device_code": code, "device": "lab-pc-12",
		"os": "Linux", "purpose": "replace"})
	if status != http.StatusOK || len(out["session"].(string)) != 43 || len(out["devices"].([]any)) != 2 {
		t.Fatalf("the poll for the session: %d %v", status, out)
	}
	status, tok := w.post(t, "/api/v1/signin/sso", map[string]string{"session": out["session"].(string),
		"device": "lab-pc-12", "os": "Linux", "adopt": oldLaptop})
	if status != http.StatusOK || tok["token"] == "" || len(w.accounts.Issued()) != 1 {
		t.Errorf("the session traded: %d %v", status, tok)
	}
}

// A purpose the broker does not know, or adopt sent before the choice, is
// refused; Accounts that cannot list devices make "replace" not offered,
// before the grant is spent.
func TestReplacePurposeRefusals(t *testing.T) {
	w := newWorld(t, nil)
	for _, in := range []map[string]string{{"device": "d", "os": "linux", "purpose": "admin"},
		{"device": "d", "os": "linux", "purpose": "replace", "adopt": oldLaptop}} {
		if status, out := w.post(t, "/api/v1/sso/device", in); status != http.StatusBadRequest {
			t.Errorf("%v: %d %v", in, status, out)
		}
	}

	plain := newWorld(t, func(o *ssobroker.Options) { o.Accounts = struct{ ssobroker.Accounts }{o.Accounts} })
	v := oauth2.GenerateVerifier()
	q := plain.signIn(t, "ada", "ada-pw", v, "plain-state")
	in := map[string]string{"code": q.Get("code"), "code_verifier": v, "device": "d", "os": "linux", "purpose": "replace"}
	if status, out := plain.post(t, "/api/v1/signin/sso", in); status != http.StatusNotFound || out["code"] != "not_offered" {
		t.Errorf("replace without a device list: %d %v", status, out)
	}
	delete(in, "purpose")
	if status, out := plain.post(t, "/api/v1/signin/sso", in); status != http.StatusOK {
		t.Errorf("the grant after the refusal: %d %v", status, out)
	}
	if status, out := plain.post(t, "/api/v1/sso/device", map[string]string{"device": "d", "os": "linux", "purpose": "replace"}); status != http.StatusNotFound {
		t.Errorf("a replace device code without a device list: %d %v", status, out)
	}
}
