package main

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// webSignin signs c's browser in on the web pages and returns it.
func (c *client) webSignin(user, password string) *http.Client {
	c.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := *c.http
	b.Jar = jar
	b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page := c.webGet(&b, "/web/signin")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no form token on the sign-in page:\n%s", page)
	}
	resp, err := b.PostForm(c.url+"/web/signin", url.Values{"user": {user}, "password": {password}, "csrf": {m[1]}})
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/web/devices" {
		c.t.Fatalf("web sign-in of %s: %d %s", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	return &b
}

func (c *client) webGet(b *http.Client, path string) string {
	c.t.Helper()
	resp, err := b.Get(c.url + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode == http.StatusSeeOther {
		return "redirect to " + resp.Header.Get("Location")
	}
	return sb.String()
}

// TestPasswdAndSignoutEndSessions: a password reset from the command line
// signs the user's browsers out (and with --signout-devices their devices);
// 'user signout' signs every device out in one step, and the devices are
// told so (401 "signed_out").
func TestPasswdAndSignoutEndSessions(t *testing.T) {
	a := newAdmin(t)
	a.addUser("ana")
	a.addUser("bob")
	srv := a.serve()
	laptop, desktop, bobs := newClient(t, srv.url, srv.fingerprint), newClient(t, srv.url, srv.fingerprint), newClient(t, srv.url, srv.fingerprint)
	laptop.signin("ana", "laptop")
	desktop.signin("ana", "desktop")
	bobs.signin("bob", "laptop")
	browser := laptop.webSignin("ana", "pw-ana-long")
	if p := laptop.webGet(browser, "/web/devices"); !strings.Contains(p, "laptop") {
		t.Fatalf("ana's devices page:\n%s", p)
	}

	newPW := filepath.Join(t.TempDir(), "new")
	os.WriteFile(newPW, []byte("a new password\n"), 0o600)
	out := a.ok("user", "passwd", "ana", "--password-file", newPW)
	if !strings.Contains(out, "signed their browsers out") {
		t.Fatalf("passwd says %q", out)
	}
	if p := laptop.webGet(browser, "/web/devices"); !strings.HasPrefix(p, "redirect to /web/signin") {
		t.Fatalf("the old browser session after passwd: %.300s", p)
	}
	laptop.must("GET", "/api/v1/devices", nil, 200) // devices stay signed in without --signout-devices

	out = a.ok("user", "signout", "ana")
	if !strings.Contains(out, "signed out 2 device sign-ins of ana") {
		t.Fatalf("signout says %q", out)
	}
	for _, c := range []*client{laptop, desktop} {
		var f struct{ Code, Reason, Error string }
		json.Unmarshal(c.must("PUT", c.obj("packs", "p1"), []byte("x"), 401), &f)
		if f.Code != "signed_out" || f.Reason != "admin" || f.Error == "" {
			t.Fatalf("a signed-out device is told %+v", f)
		}
	}
	bobs.must("GET", "/api/v1/devices", nil, 200)

	// --signout-devices signs the devices out with the reset.
	laptop.signin2("ana", "laptop", "a new password")
	os.WriteFile(newPW, []byte("a third password\n"), 0o600)
	a.ok("user", "passwd", "ana", "--password-file", newPW, "--signout-devices")
	var f struct{ Code, Reason string }
	json.Unmarshal(laptop.must("GET", "/api/v1/devices", nil, 401), &f)
	if f.Code != "signed_out" || f.Reason != "password" {
		t.Fatalf("after passwd --signout-devices: %+v", f)
	}
	if _, errs, code := a.run("user", "signout", "nobody"); code != 1 || !strings.Contains(errs, "there is no user nobody") {
		t.Fatalf("signout of nobody: %d %s", code, errs)
	}
}

// signin2 signs in with a password other than the test default.
func (c *client) signin2(user, device, password string) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"user": user, "password": password, "device": device, "os": "linux"})
	var out struct {
		Token    string `json:"token"`
		DeviceID string `json:"device_id"`
	}
	json.Unmarshal(c.must("POST", "/api/v1/signin", body, 200), &out)
	c.token, c.dev = out.Token, out.DeviceID
}
