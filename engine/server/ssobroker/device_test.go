package ssobroker_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

var userCodePattern = regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)

// deviceCode starts the device flow as a computer without a browser does.
func (w *world) deviceCode(t *testing.T, device, osName string) map[string]any {
	t.Helper()
	status, out := w.post(t, "/api/v1/sso/device", map[string]string{"device": device, "os": osName})
	if status != http.StatusOK {
		t.Fatalf("device authorization: %d %v", status, out)
	}
	return out
}

// poll polls once and returns the status and the code (or the token).
func (w *world) poll(t *testing.T, deviceCode string) (int, map[string]any) {
	t.Helper()
	return w.post(t, "/api/v1/signin/sso", map[string]string{"device_code": deviceCode, "device": "lab-pc-12", "os": "Linux"})
}

func (w *world) wantPoll(t *testing.T, deviceCode, code string) map[string]any {
	t.Helper()
	status, out := w.poll(t, deviceCode)
	if status != http.StatusBadRequest || out["code"] != code {
		t.Fatalf("poll: want %s, got %d %v", code, status, out)
	}
	return out
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// approve opens the page with the code, answers, and (for "yes") signs in
// at the provider; it returns the last page.
func (w *world) approve(t *testing.T, b *testservers.Browser, userCode, answer, user string) *testservers.Page {
	t.Helper()
	page, err := b.Get(w.base + "/sso/device?user_code=" + url.QueryEscape(userCode))
	if err != nil {
		t.Fatal(err)
	}
	m := csrfField.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		t.Fatalf("the page for %s: %d %s", userCode, page.Status, page.Body)
	}
	page, err = b.Post(w.base+"/sso/device", url.Values{"step": {"confirm"}, "user_code": {userCode},
		"csrf": {m[1]}, "answer": {answer}})
	if err != nil || answer != "yes" {
		return page
	}
	if !strings.HasPrefix(page.URL.String(), w.p.Issuer+"/login") {
		t.Fatalf("Continue led to %s (%d): %s", page.URL, page.Status, page.Body)
	}
	page, err = b.Post(w.p.Issuer+"/login", url.Values{"id": {page.URL.Query().Get("authRequestID")},
		"username": {user}, "password": {user + "-pw"}})
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func TestDeviceFlow(t *testing.T) {
	w := newWorld(t, nil)
	dc := w.deviceCode(t, "lab-pc-12", "Linux")
	userCode, _ := dc["user_code"].(string)
	if !userCodePattern.MatchString(userCode) || dc["verification_uri"] != w.base+"/sso/device" ||
		dc["verification_uri_complete"] != w.base+"/sso/device?user_code="+userCode ||
		dc["expires_in"] != 600.0 || dc["interval"] != 5.0 || len(dc["device_code"].(string)) != 43 {
		t.Fatalf("device authorization: %v", dc)
	}
	code := dc["device_code"].(string)
	w.wantPoll(t, code, "authorization_pending")
	if out := w.wantPoll(t, code, "slow_down"); out["interval"] != 10.0 {
		t.Errorf("slow_down: %v", out)
	}
	w.clock.Add(5 * time.Second)
	if out := w.wantPoll(t, code, "slow_down"); out["interval"] != 15.0 { // 5 s is too soon for 10
		t.Errorf("slow_down again: %v", out)
	}
	w.clock.Add(15 * time.Second)
	w.wantPoll(t, code, "authorization_pending")

	b := testservers.NewBrowser()
	// Typed in any case, without the dash, at another name of the server.
	page, err := b.Get(strings.Replace(w.base, "127.0.0.1", "localhost", 1) + "/sso/device?user_code=" +
		strings.ToLower(strings.ReplaceAll(userCode, "-", "")))
	if err != nil || !strings.HasPrefix(page.URL.String(), w.base+"/sso/device?") ||
		!strings.Contains(page.Body, "Sign in the computer ‘lab-pc-12’ (Linux) to Cairn?") {
		t.Fatalf("the approval page does not name the computer: %v %+v", err, page)
	}
	page = w.approve(t, b, userCode, "yes", "ada")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "is signed in to Cairn as ada") {
		t.Fatalf("after the provider: %d %s", page.Status, page.Body)
	}
	w.clock.Add(15 * time.Second)
	status, out := w.poll(t, code)
	if status != http.StatusOK || out["token"] == "" {
		t.Fatalf("poll after approval: %d %v", status, out)
	}
	issued := w.accounts.Issued()
	if len(issued) != 1 || issued[0].Account.Name != "ada" || issued[0].Device.Device != "lab-pc-12" || issued[0].Device.OS != "Linux" {
		t.Errorf("issued %+v", issued)
	}
	w.clock.Add(15 * time.Second)
	w.wantPoll(t, code, "expired_token") // used once
}

func TestDeviceCodeExpires(t *testing.T) {
	w := newWorld(t, nil)
	dc := w.deviceCode(t, "lab-pc-12", "Linux")
	w.clock.Add(ssobroker.LoginTTL)
	w.wantPoll(t, dc["device_code"].(string), "expired_token")
	page, err := testservers.NewBrowser().Get(dc["verification_uri_complete"].(string))
	if err != nil || page.Status != http.StatusNotFound || !strings.Contains(page.Body, "No computer is waiting with that code") {
		t.Errorf("an expired code's page: %v %+v", err, page)
	}
}

func TestDeviceDeclinedOrRefused(t *testing.T) {
	w := newWorld(t, nil)
	dc := w.deviceCode(t, "lab-pc-12", "Linux")
	page := w.approve(t, testservers.NewBrowser(), dc["user_code"].(string), "no", "ada")
	if !strings.Contains(page.Body, "The computer was not signed in") {
		t.Errorf("declined: %s", page.Body)
	}
	w.wantPoll(t, dc["device_code"].(string), "access_denied")
	w.clock.Add(5 * time.Second)
	w.wantPoll(t, dc["device_code"].(string), "expired_token")

	for user, words := range map[string]string{"eve": "not allowed to use this backup service", "bob": "disabled"} {
		dc := w.deviceCode(t, "lab-pc-12", "Linux")
		page := w.approve(t, testservers.NewBrowser(), dc["user_code"].(string), "yes", user)
		if page.Status != http.StatusForbidden || !strings.Contains(page.Body, words) {
			t.Errorf("%s: %d %s", user, page.Status, page.Body)
		}
		if out := w.wantPoll(t, dc["device_code"].(string), "access_denied"); out["reason"] == "" {
			t.Errorf("%s: %v", user, out)
		}
	}
	if n := len(w.accounts.Issued()); n != 0 {
		t.Errorf("%d tokens issued", n)
	}
}

func TestDeviceFormNeedsItsCookie(t *testing.T) {
	w := newWorld(t, nil)
	dc := w.deviceCode(t, "lab-pc-12", "Linux")
	userCode := dc["user_code"].(string)
	b := testservers.NewBrowser()
	page, err := b.Get(dc["verification_uri_complete"].(string))
	if err != nil {
		t.Fatal(err)
	}
	csrf := csrfField.FindStringSubmatch(page.Body)[1]
	// Another site's form, sent from the person's browser, has no token;
	// a stranger's browser with the token has no cookie.
	for name, try := range map[string]struct {
		b    *testservers.Browser
		csrf string
	}{"no token": {b, ""}, "wrong token": {b, csrf[1:] + "x"}, "no cookie": {testservers.NewBrowser(), csrf}} {
		page, err := try.b.Post(w.base+"/sso/device", url.Values{"step": {"confirm"}, "user_code": {userCode},
			"csrf": {try.csrf}, "answer": {"yes"}})
		if err != nil || page.Status != http.StatusForbidden {
			t.Errorf("%s: %v %+v", name, err, page)
		}
	}
	w.wantPoll(t, dc["device_code"].(string), "authorization_pending")
}

func TestWrongUserCodesAreLimited(t *testing.T) {
	w := newWorld(t, nil)
	dc := w.deviceCode(t, "lab-pc-12", "Linux")
	b := testservers.NewBrowser()
	for i := range 10 {
		page, err := b.Post(w.base+"/sso/device", url.Values{"step": {"code"}, "user_code": {fmt.Sprintf("BCDF-GHJ%c", "KLMNPQRSTV"[i])}})
		if err != nil || page.Status != http.StatusNotFound {
			t.Fatalf("wrong code %d: %v %+v", i, err, page)
		}
	}
	page, err := b.Get(dc["verification_uri_complete"].(string))
	if err != nil || page.Status != http.StatusTooManyRequests || !strings.Contains(page.Body, "Too many wrong codes") {
		t.Fatalf("the right code after 10 wrong ones: %v %+v", err, page)
	}
	w.clock.Add(9 * time.Minute)
	w.wantPoll(t, dc["device_code"].(string), "authorization_pending")
	w.clock.Add(time.Minute) // a new window; that code has expired too
	dc = w.deviceCode(t, "lab-pc-12", "Linux")
	page, err = b.Get(dc["verification_uri_complete"].(string))
	if err != nil || page.Status != http.StatusOK || !strings.Contains(page.Body, "lab-pc-12") {
		t.Errorf("the right code 10 minutes later: %v %+v", err, page)
	}
}

func TestWaitingSignInsAreBounded(t *testing.T) {
	w := newWorld(t, func(o *ssobroker.Options) {
		o.Pending = ssobroker.Limit{PerAddr: 2, Total: 3}
	})
	w.deviceCode(t, "one", "Linux")
	w.deviceCode(t, "two", "Linux")
	if status, out := w.post(t, "/api/v1/sso/device", map[string]string{"device": "three", "os": "Linux"}); status != http.StatusTooManyRequests ||
		out["code"] != "rate_limited" {
		t.Errorf("a third from one address: %d %v", status, out)
	}
	w.clock.Add(ssobroker.LoginTTL)
	w.deviceCode(t, "four", "Linux") // the first two expired
	for _, bad := range []map[string]string{{"device": "", "os": "Linux"}, {"device": "a\x1b[31m", "os": "Linux"},
		{"device": strings.Repeat("a", 129), "os": "Linux"}} {
		if status, _ := w.post(t, "/api/v1/sso/device", bad); status != http.StatusBadRequest {
			t.Errorf("%q: %d", bad["device"], status)
		}
	}
}
