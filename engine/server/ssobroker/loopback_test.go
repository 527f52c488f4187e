package ssobroker_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cairnbackup/cairn/internal/testservers"
)

// signIn runs the loopback flow in a browser up to the grant and returns
// what reached the loopback callback.
func (w *world) signIn(t *testing.T, user, password, verifier, state string) url.Values {
	t.Helper()
	start := w.startURL(w.loopback, oauth2.S256ChallengeFromVerifier(verifier), state)
	page, err := testservers.NewBrowser().SignIn(w.p, start, user, password)
	if err != nil {
		t.Fatal(err)
	}
	if page.Body != "back at the client" {
		t.Fatalf("the browser ended on %s (%d): %s", page.URL, page.Status, page.Body)
	}
	return w.next(t)
}

func TestLoopbackSignInGivesATokenOnce(t *testing.T) {
	w := newWorld(t, nil)
	v := oauth2.GenerateVerifier()
	q := w.signIn(t, "ada", "ada-pw", v, "client-state-1")
	if q.Get("state") != "client-state-1" || len(q.Get("code")) != 43 {
		t.Fatalf("the client got %v", q)
	}
	in := map[string]string{"code": q.Get("code"), "code_verifier": v, "device": "ada-laptop", "os": "linux"}
	status, out := w.post(t, "/api/v1/signin/sso", in)
	if status != http.StatusOK || out["token"] == "" || out["device_id"] != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("token answer: %d %v", status, out)
	}
	issued := w.accounts.Issued()
	if len(issued) != 1 || issued[0].Account.Name != "ada" || issued[0].Device.Device != "ada-laptop" ||
		issued[0].Device.OS != "linux" || issued[0].Device.Addr != "127.0.0.1" {
		t.Errorf("issued %+v", issued)
	}
	if status, out := w.post(t, "/api/v1/signin/sso", in); status != http.StatusBadRequest || out["code"] != "invalid_grant" {
		t.Errorf("the grant used twice: %d %v", status, out)
	}
	if len(w.accounts.Issued()) != 1 {
		t.Error("a second token was issued")
	}
}

func TestGrantNeedsItsVerifierAndTime(t *testing.T) {
	w := newWorld(t, nil)
	v := oauth2.GenerateVerifier()
	q := w.signIn(t, "ada", "ada-pw", v, "state-two")
	in := map[string]string{"code": q.Get("code"), "code_verifier": oauth2.GenerateVerifier(), "device": "d", "os": "linux"}
	status, out := w.post(t, "/api/v1/signin/sso", in)
	if status != http.StatusBadRequest || out["code"] != "invalid_grant" || !strings.Contains(out["error"].(string), "code_verifier") {
		t.Errorf("a wrong verifier: %d %v", status, out)
	}
	in["code_verifier"] = v
	if status, _ := w.post(t, "/api/v1/signin/sso", in); status != http.StatusBadRequest {
		t.Errorf("the right verifier after a wrong one (the grant is spent): %d", status)
	}

	q = w.signIn(t, "ada", "ada-pw", v, "state-three")
	w.clock.Add(61 * time.Second)
	in["code"] = q.Get("code")
	if status, out := w.post(t, "/api/v1/signin/sso", in); status != http.StatusBadRequest || out["code"] != "invalid_grant" {
		t.Errorf("a grant after 61 s: %d %v", status, out)
	}
	if n := len(w.accounts.Issued()); n != 0 {
		t.Errorf("%d tokens issued", n)
	}
}

func TestOnlyLoopbackRedirectsAreAccepted(t *testing.T) {
	w := newWorld(t, nil)
	c := noRedirects(testservers.NewBrowser())
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	get := func(u string) (int, string) {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	for _, redirect := range []string{
		"https://evil.example/callback",
		"http://evil.example/callback",
		"http://127.0.0.1.evil.example/callback",
		"http://127.0.0.1.evil.example:80/callback",
		"http://user@127.0.0.1:1/callback",
		"http://localhost:1/callback", // may resolve elsewhere (RFC 8252 8.3)
		"http://127.0.0.1/callback",   // no port
		"http://127.0.0.1:01/callback",
		"http://127.0.0.1:70000/callback",
		"http://127.0.0.1:1/callback#x",
		"http://127.0.0.1:1/callback?next=https://evil.example",
		"http://127.0.0.1:1/other",
		"http://127.0.0.1:1/callback/../x",
		"http://127.0.0.2:1/callback",
		"http://0x7f000001:1/callback",
		"https://127.0.0.1:1/callback",
		"//127.0.0.1:1/callback",
		"",
	} {
		status, loc := get(w.startURL(redirect, challenge, "state-abc"))
		if status != http.StatusBadRequest || loc != "" {
			t.Errorf("%q: %d, to %q", redirect, status, loc)
		}
	}
	for _, redirect := range []string{"http://127.0.0.1:1/callback", "http://[::1]:65535/callback"} {
		if status, loc := get(w.startURL(redirect, challenge, "state-abc")); status != http.StatusSeeOther ||
			!strings.HasPrefix(loc, w.p.Issuer+"/") {
			t.Errorf("%q: %d, to %q", redirect, status, loc)
		}
	}
	bad := []string{
		w.base + "/sso/start?" + url.Values{"redirect_uri": {w.loopback}, "code_challenge": {challenge},
			"code_challenge_method": {"plain"}, "state": {"state-abc"}}.Encode(),
		w.startURL(w.loopback, "short", "state-abc"),
		w.startURL(w.loopback, challenge, ""),
		w.startURL(w.loopback, challenge, "<script>"),
	}
	for _, u := range bad {
		if status, _ := get(u); status != http.StatusBadRequest {
			t.Errorf("%s: %d", u, status)
		}
	}
}

func TestStartPageSaysWhatIsWrongAndIsLockedDown(t *testing.T) {
	w := newWorld(t, nil)
	resp, err := http.Get(w.startURL("https://evil.example/<b>x</b>", "x", "s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	page, err := testservers.NewBrowser().Get(w.startURL("https://evil.example/<b>x</b>", "x", "s"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.Body, "Start the sign-in again from the Cairn app") || strings.Contains(page.Body, "<b>") {
		t.Errorf("page: %s", page.Body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: %v", resp.Header)
	}
}

func TestClientStateComesBackAsSent(t *testing.T) {
	// The client compares the state itself; the broker must return it
	// unchanged, and a state from nowhere gets a page, not a redirect.
	w := newWorld(t, nil)
	q := w.signIn(t, "ada", "ada-pw", oauth2.GenerateVerifier(), "A-b.c~9_state")
	if q.Get("state") != "A-b.c~9_state" {
		t.Errorf("state %q", q.Get("state"))
	}
	page, err := testservers.NewBrowser().Get(w.base + "/sso/callback?code=abc&state=made-up")
	if err != nil {
		t.Fatal(err)
	}
	if page.Status != http.StatusBadRequest || !strings.Contains(page.Body, "This sign-in is unknown") {
		t.Errorf("a made-up state: %d %s", page.Status, page.Body)
	}
}

func TestProviderAnswerInAnotherBrowserIsRefused(t *testing.T) {
	// Someone starts a sign-in and sends the provider's address to a
	// victim: the victim signs in, and nothing is granted.
	w := newWorld(t, nil)
	attacker := testservers.NewBrowser()
	resp, err := noRedirects(attacker).Get(w.startURL(w.loopback,
		oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()), "attacker-state"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	page, err := testservers.NewBrowser().SignIn(w.p, resp.Header.Get("Location"), "ada", "ada-pw")
	if err != nil {
		t.Fatal(err)
	}
	if page.Status != http.StatusBadRequest || !strings.Contains(page.Body, "started in another browser") {
		t.Errorf("victim's page: %d %s", page.Status, page.Body)
	}
	select {
	case q := <-w.arrived:
		t.Errorf("the loopback got %v", q)
	default:
	}
}

func TestRefusalsReachTheClientAsFixedReasons(t *testing.T) {
	w := newWorld(t, nil)
	for user, reason := range map[string]string{"eve": "not_allowed", "bob": "disabled"} {
		q := w.signIn(t, user, user+"-pw", oauth2.GenerateVerifier(), "state-"+user)
		if q.Get("error") != "access_denied" || q.Get("error_reason") != reason || q.Get("state") != "state-"+user ||
			q.Get("code") != "" {
			t.Errorf("%s: the client got %v", user, q)
		}
	}
	// The person cancels at the provider, which says so to the callback.
	b := testservers.NewBrowser()
	resp, err := noRedirects(b).Get(w.startURL(w.loopback, oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()), "state-cancel"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	auth, _ := url.Parse(resp.Header.Get("Location"))
	if _, err := b.Get(w.base + "/sso/callback?error=access_denied&error_description=%1b%5b31m&state=" +
		url.QueryEscape(auth.Query().Get("state"))); err != nil {
		t.Fatal(err)
	}
	if q := w.next(t); q.Get("error_reason") != "refused" || q.Get("error_description") != "" {
		t.Errorf("cancelled: the client got %v", q)
	}
	// A wrong password never leaves the provider's page, which says so.
	page, err := testservers.NewBrowser().SignIn(w.p, w.startURL(w.loopback,
		oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()), "state-pw"), "ada", "wrong")
	if err != nil || page.Status != http.StatusUnauthorized || !strings.Contains(page.Body, "wrong user name or password") {
		t.Errorf("wrong password: %v %+v", err, page)
	}
	if n := len(w.accounts.Issued()); n != 0 {
		t.Errorf("%d tokens issued", n)
	}
}

func TestStartByAnotherNameGoesToTheBaseURL(t *testing.T) {
	// The client knows the server as localhost, the provider returns to
	// 127.0.0.1: the binding cookie must be set there.
	w := newWorld(t, nil)
	v := oauth2.GenerateVerifier()
	start := strings.Replace(w.startURL(w.loopback, oauth2.S256ChallengeFromVerifier(v), "state-by-name"), "127.0.0.1", "localhost", 1)
	page, err := testservers.NewBrowser().SignIn(w.p, start, "ada", "ada-pw")
	if err != nil || page.Body != "back at the client" {
		t.Fatalf("%v %+v", err, page)
	}
	if q := w.next(t); q.Get("code") == "" || q.Get("state") != "state-by-name" {
		t.Errorf("the client got %v", q)
	}
}
