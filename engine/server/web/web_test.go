package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

func TestPagesCarryTheSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/web/signin")
	expectStatus(t, p, http.StatusOK, `<html lang="en">`, `name="viewport"`, `<label for="password">`)
	for k, want := range map[string]string{
		"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := p.header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	csp := p.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
		t.Error("inline script or style in a page")
	}
	c := p.header.Get("Set-Cookie")
	for _, want := range []string{"__Host-", "Secure", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("cookie %q lacks %s", c, want)
		}
	}
	// The API's root sends browsers to the pages.
	if p := e.browser().get("/"); p.status != http.StatusSeeOther || p.location() != "/web/" {
		t.Fatalf("/: %d %s", p.status, p.location())
	}
}

func TestSigninSessionCookieAndSignout(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if p := b.get("/web/devices"); p.status != http.StatusSeeOther || p.location() != "/web/signin" {
		t.Fatalf("not signed in: %d %s", p.status, p.location())
	}
	expectStatus(t, b.signin("ana", "wrong password", ""), http.StatusUnauthorized, "Wrong user name or password.")
	p := b.signin("ana", "pw-ana", "")
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", p.status, p.body)
	}
	var c string
	for _, v := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, sessionCookie+"=") {
			c = v
		}
	}
	for _, want := range []string{"__Host-cairn-session=", "Secure", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(c, want) {
			t.Errorf("session cookie %q lacks %s", c, want)
		}
	}
	// The records keep only the hash of the session's id.
	id := strings.TrimPrefix(strings.Split(c, ";")[0], sessionCookie+"=")
	if len(id) < 43 {
		t.Fatalf("session id %q: not 256 bits", id)
	}
	if _, err := e.data.Records.WebSession(t.Context(), id); err == nil {
		t.Fatal("the session's id itself is in the records")
	}
	if _, err := e.data.Records.WebSession(t.Context(), hashID(id)); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, b.get("/web/devices"), http.StatusOK, "laptop")
	p = b.post("/web/devices", "/web/signout", url.Values{})
	if p.status != http.StatusSeeOther || !strings.Contains(p.location(), "bye") {
		t.Fatalf("sign out: %d %s", p.status, p.location())
	}
	if p := b.get("/web/devices"); p.status != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", p.status)
	}
	if _, err := e.data.Records.WebSession(t.Context(), hashID(id)); err == nil {
		t.Fatal("the session outlived its sign-out")
	}
}

func TestSigninSharesTheAPIRateLimit(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for range 5 {
		expectStatus(t, b.signin("ana", "guess", ""), http.StatusUnauthorized)
	}
	// Even the right password waits now, and the API is limited too.
	expectStatus(t, b.signin("ana", "pw-ana", ""), http.StatusTooManyRequests, "Too many failed sign-ins", "15 minutes")
	fails, _ := e.data.Records.SigninFailures(t.Context(), "user:ana", time.Time{})
	if len(fails) != 5 {
		t.Fatalf("%d failures recorded under the API's key", len(fails))
	}
	e.clock.Advance(16 * time.Minute)
	b.mustSignin("ana")
}

func TestDisabledAccountCannotSignIn(t *testing.T) {
	e := newEnv(t)
	yes := true
	e.data.Records.UpdateUser(t.Context(), "ana", records.UserChange{Disabled: &yes})
	expectStatus(t, e.browser().signin("ana", "pw-ana", ""), http.StatusForbidden, "Your account is disabled")
}

func TestOnlyOwnDevices(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	p := b.get("/web/devices")
	expectStatus(t, p, http.StatusOK, "laptop")
	if strings.Contains(p.body, "desktop") || strings.Contains(p.body, e.bobDesktop.ID) {
		t.Fatal("ana's list shows bob's device")
	}
	// bob has his archive open in his own session: still nothing for ana.
	bb := e.browser()
	bb.mustSignin("bob")
	if p := bb.unlock(e.bobDesktop.ID, "secret"); p.status != http.StatusSeeOther {
		t.Fatalf("bob opens his archive: %d %s", p.status, p.body)
	}
	other := "/web/devices/" + e.bobDesktop.ID
	for _, path := range []string{other + "/unlock", other + "/browse", other + "/versions?path=/home/ana/a.txt",
		other + "/file?path=/home/ana/a.txt&v=1", other + "/zip?dir=/home/ana", "/web/devices/nosuchdevice/browse",
		"/web/devices/..%2f..%2fetc/browse"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, p.status)
		}
	}
	for _, path := range []string{other + "/unlock", other + "/lock"} {
		if p := b.post("/web/devices", path, url.Values{"password": {"secret"}}); p.status != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, p.status)
		}
	}
	// Nor is a non-administrator shown the administration.
	for _, path := range []string{"/web/admin/", "/web/admin/users", "/web/admin/devices", "/web/admin/audit", "/web/admin/settings"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, p.status)
		}
	}
	if p := b.post("/web/devices", "/web/admin/users/bob", url.Values{"action": {"disable"}}); p.status != http.StatusNotFound {
		t.Errorf("disable bob as ana: %d", p.status)
	}
}

func TestFormsNeedTheSessionsTokenAndThisOrigin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	path := "/web/devices/" + e.anaLaptop.ID + "/unlock"
	expectStatus(t, b.do("POST", path, url.Values{"password": {"secret"}}), http.StatusForbidden, "This form was refused")
	expectStatus(t, b.do("POST", path, url.Values{"password": {"secret"}, "csrf": {"forged"}}), http.StatusForbidden)
	// Another session's token is no good either.
	other := e.browser()
	other.mustSignin("ana")
	token := other.get("/web/devices").csrf()
	expectStatus(t, b.do("POST", path, url.Values{"password": {"secret"}, "csrf": {token}}), http.StatusForbidden)
	// The right token from another site.
	token = b.get("/web/devices").csrf()
	b.header.Set("Origin", "https://evil.example")
	expectStatus(t, b.do("POST", path, url.Values{"password": {"secret"}, "csrf": {token}}), http.StatusForbidden)
	b.header.Del("Origin")
	b.header.Set("Sec-Fetch-Site", "cross-site")
	expectStatus(t, b.do("POST", path, url.Values{"password": {"secret"}, "csrf": {token}}), http.StatusForbidden)
	b.header.Set("Sec-Fetch-Site", "same-origin")
	if p := b.do("POST", path, url.Values{"password": {"secret"}, "csrf": {token}}); p.status != http.StatusSeeOther {
		t.Fatalf("the real form: %d %s", p.status, p.body)
	}
	// Sign-in itself: its token is the one of the form's cookie.
	nb := e.browser()
	expectStatus(t, nb.do("POST", "/web/signin", url.Values{"user": {"ana"}, "password": {"pw-ana"}, "csrf": {"x"}}), http.StatusForbidden)
}

func TestArchivePassword(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	id := e.anaLaptop.ID
	p := b.get("/web/devices/" + id + "/browse")
	if p.status != http.StatusSeeOther || p.location() != "/web/devices/"+id+"/unlock" {
		t.Fatalf("browse before opening: %d %s", p.status, p.location())
	}
	expectStatus(t, b.get(p.location()), http.StatusOK,
		"The server uses your password to open your backup for this session only. It keeps the key in memory, never writes it down, and forgets it when you sign out or after 15 minutes without activity.",
		`<label for="password">Archive password</label>`)
	for range 5 {
		expectStatus(t, b.unlock(id, "wrong"), http.StatusUnauthorized, "That password does not open this device&#39;s archive.")
	}
	expectStatus(t, b.unlock(id, "secret"), http.StatusTooManyRequests, "Too many wrong archive passwords")
	e.clock.Advance(16 * time.Minute)
	b.mustSignin("ana")
	if p := b.unlock(id, "secret"); p.status != http.StatusSeeOther || p.location() != "/web/devices/"+id+"/browse" {
		t.Fatalf("right password: %d %s", p.status, p.body)
	}
	expectStatus(t, b.get("/web/devices/"+id+"/browse"), http.StatusOK, "home", "ana")
}

func TestBrowseVersionsAndDownloads(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if p := b.signin("ana", "pw-ana", "Asia/Tokyo"); p.status != http.StatusSeeOther {
		t.Fatal(p.body)
	}
	id := e.anaLaptop.ID
	b.unlock(id, "secret")
	base := "/web/devices/" + id
	p := b.get(base + "/browse?dir=/home/ana")
	expectStatus(t, p, http.StatusOK, "a.txt", "docs/", "Asia/Tokyo", "your browser&#39;s time zone", "Download this folder as a zip")
	if strings.Contains(p.body, "gone.txt") {
		t.Fatal("a deleted file shown without asking")
	}
	expectStatus(t, b.get(base+"/browse?dir=/home/ana&deleted=1"), http.StatusOK, "gone.txt", "deleted")
	expectStatus(t, b.get(base+"/browse?dir=/home/ana&q=b.t"), http.StatusOK, "/home/ana/docs/b.txt")
	// As of a moment in the viewer's zone: 21 Nov 2026 10:00 in Tokyo
	// is 01:00 UTC, before the second version of a.txt.
	b.get(base + "/browse?dir=/home/ana&at=2026-11-21T10:00")
	want := time.Date(2026, 11, 21, 1, 0, 59, 999999999, time.UTC)
	if got := e.fake(id).lastAt; !got.Equal(want) {
		t.Fatalf("as of %v, want %v", got, want)
	}
	p = b.get(base + "/versions?path=/home/ana/a.txt")
	expectStatus(t, p, http.StatusOK, "22 Nov 2026 18:00:00 JST", "20 Nov 2026 18:00:00 JST", "Asia/Tokyo")
	first := fileURL(id, "/home/ana/a.txt", t1.UnixNano())
	if !strings.Contains(p.body, strings.ReplaceAll(first, "&", "&amp;")) {
		t.Fatalf("no link to the first version %s:\n%s", first, p.body)
	}
	p = b.get(first)
	expectStatus(t, p, http.StatusOK)
	if p.body != "one" || p.header.Get("Content-Disposition") != `attachment; filename=a.txt` {
		t.Fatalf("download: %q %q", p.body, p.header.Get("Content-Disposition"))
	}
	p = b.get(base + "/zip?dir=/home/ana/docs")
	if p.status != http.StatusOK || p.body != "zip of /home/ana/docs" || p.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: %d %q", p.status, p.body)
	}
	// A version that is not there, a deletion.
	if p := b.get(fileURL(id, "/home/ana/gone.txt", t2.UnixNano())); p.status != http.StatusNotFound {
		t.Fatalf("deletion downloaded: %d", p.status)
	}
	// The downloads are in the audit log, with who and from where.
	log, _ := e.data.Records.Audit(t.Context(), 0, 10)
	var got []string
	for _, a := range log {
		got = append(got, a.Actor+" "+a.Action+" "+a.Target+" "+a.Addr)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"ana download.zip laptop: /home/ana/docs 127.0.0.1", "ana download.file laptop: /home/ana/a.txt 127.0.0.1",
		"ana archive.open laptop"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit log lacks %q:\n%s", want, all)
		}
	}
}

func TestTimesInTheServersZoneWithoutTheBrowsers(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	b.unlock(e.anaLaptop.ID, "secret")
	expectStatus(t, b.get("/web/devices/"+e.anaLaptop.ID+"/versions?path=/home/ana/a.txt"), http.StatusOK,
		"22 Nov 2026 09:00:00 UTC", "Times are in UTC, the server&#39;s time zone")
	// The browse form's hidden field, filled by the script, sets it.
	expectStatus(t, b.get("/web/devices/"+e.anaLaptop.ID+"/browse?tz=Europe/Paris"), http.StatusOK, "Europe/Paris")
	expectStatus(t, b.get("/web/devices/"+e.anaLaptop.ID+"/versions?path=/home/ana/a.txt"), http.StatusOK, "22 Nov 2026 10:00:00 CET")
}

func TestDownloadCap(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	id := e.anaLaptop.ID
	b.unlock(id, "secret")
	expectStatus(t, b.get(fileURL(id, "/home/ana/big/film.mkv", t1.UnixNano())), http.StatusRequestEntityTooLarge,
		"This file is 300 MB; downloads from this page are limited to 250 MB each by your administrator.")
	expectStatus(t, b.get("/web/devices/"+id+"/zip?dir=/home/ana"), http.StatusRequestEntityTooLarge,
		"This folder is 300 MB; downloads from this page are limited to 250 MB")
	// The administrator lowers the cap.
	admin := e.browser()
	admin.mustSignin("root")
	p := admin.post("/web/admin/settings", "/web/admin/settings", url.Values{"warn": {"2"}, "critical": {"5"}, "max_download": {"2 bytes"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", p.status, p.body)
	}
	expectStatus(t, b.get("/web/devices/"+id+"/zip?dir=/home/ana/docs"), http.StatusRequestEntityTooLarge, "limited to 2 bytes")
	expectStatus(t, b.get(fileURL(id, "/home/ana/a.txt", t1.UnixNano())), http.StatusRequestEntityTooLarge, "This file is 3 bytes")
}

func TestSessionEndsAfterIdleTimeAndClosesTheArchive(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	id := e.anaLaptop.ID
	b.unlock(id, "secret")
	e.clock.Advance(14 * time.Minute)
	expectStatus(t, b.get("/web/devices/"+id+"/browse"), http.StatusOK)
	e.clock.Advance(14 * time.Minute) // 28 minutes, but never 15 idle
	expectStatus(t, b.get("/web/devices/"+id+"/browse"), http.StatusOK)
	e.clock.Advance(15 * time.Minute)
	p := b.get("/web/devices/" + id + "/browse")
	if p.status != http.StatusSeeOther || p.location() != "/web/signin?ended=1&next="+url.QueryEscape("/web/devices/"+id+"/browse") {
		t.Fatalf("idle session: %d %s", p.status, p.location())
	}
	waitClosed(t, e.fake(id))
	expectStatus(t, b.get("/web/signin?ended=1"), http.StatusOK, "Your session ended")
}

func TestSessionEndsAfterEightHoursWhateverItsUse(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	for range 47 {
		e.clock.Advance(10 * time.Minute)
		expectStatus(t, b.get("/web/devices"), http.StatusOK)
	}
	e.clock.Advance(10 * time.Minute)
	if p := b.get("/web/devices"); p.status != http.StatusSeeOther {
		t.Fatalf("after 8 hours: %d", p.status)
	}
}

func TestSweeperClosesArchivesOfSessionsThatEnded(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignin("ana")
	b.unlock(e.anaLaptop.ID, "secret")
	e.web.Sweep(t.Context())
	if e.fake(e.anaLaptop.ID).isClosed() {
		t.Fatal("closed a live session's archive")
	}
	e.clock.Advance(16 * time.Minute) // nobody comes back: the sweeper ends it
	e.web.Sweep(t.Context())
	waitClosed(t, e.fake(e.anaLaptop.ID))
	if n := e.web.open.count(); n != 0 {
		t.Fatalf("%d archives still open", n)
	}
}

func waitClosed(t *testing.T, f *fakeArchive) {
	t.Helper()
	for range 200 {
		if f.isClosed() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the archive was not closed")
}
