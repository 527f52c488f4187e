package web

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

func TestAdministration(t *testing.T) {
	e := newEnv(t)
	ana := e.browser()
	ana.mustSignin("ana")
	admin := e.browser()
	admin.mustSignin("root")
	expectStatus(t, admin.get("/web/devices"), http.StatusOK, "Administration")
	e.clock.Advance(4 * 24 * time.Hour)
	admin.mustSignin("root")
	ana.mustSignin("ana")
	expectStatus(t, admin.get("/web/admin/"), http.StatusOK, "Storage", "Users", "Warning: no backup for 4 days", "laptop", "desktop")
	expectStatus(t, admin.get("/web/admin/devices"), http.StatusOK, "Warning: no backup for 4 days")

	p := admin.post("/web/admin/users", "/web/admin/users", url.Values{"name": {"Carol"}, "password": {"carol password"},
		"password2": {"carol password"}, "email": {"carol@example.org"}, "quota": {"500GB"}, "devices": {"2"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", p.status, p.body)
	}
	c, err := e.data.Records.User(t.Context(), "carol")
	if err != nil || c.Quota != 500e9 || c.MaxDevices != 2 || c.Admin {
		t.Fatalf("carol: %+v %v", c, err)
	}
	expectStatus(t, admin.get("/web/admin/users"), http.StatusOK, "carol@example.org", "500 GB")
	if p := e.browser().signin("carol", "carol password", ""); p.status != http.StatusSeeOther {
		t.Fatalf("carol signs in: %d", p.status)
	}
	expectStatus(t, admin.post("/web/admin/users", "/web/admin/users", url.Values{"name": {"dan"}, "password": {"short"}, "password2": {"short"}}),
		http.StatusBadRequest, "at least 8 characters")

	change := func(user string, form url.Values) page {
		return admin.post("/web/admin/users/"+user, "/web/admin/users/"+user, form)
	}
	for _, f := range []url.Values{{"action": {"quota"}, "quota": {"2TB"}}, {"action": {"devices"}, "devices": {"6"}},
		{"action": {"email"}, "email": {"ana@example.org"}}, {"action": {"admin-on"}}, {"action": {"admin-off"}},
		{"action": {"password"}, "password": {"new password"}, "password2": {"new password"}}} {
		if p := change("ana", f); p.status != http.StatusSeeOther {
			t.Fatalf("%v: %d %s", f, p.status, p.body)
		}
	}
	u, _ := e.data.Records.User(t.Context(), "ana")
	if u.Quota != 2e12 || u.MaxDevices != 6 || u.Admin {
		t.Fatalf("ana: %+v", u)
	}
	// A new password signs her browsers out.
	if p := ana.get("/web/devices"); p.status != http.StatusSeeOther {
		t.Fatalf("ana's browser after a password reset: %d", p.status)
	}
	if p := ana.signin("ana", "new password", ""); p.status != http.StatusSeeOther {
		t.Fatalf("new password: %d", p.status)
	}
	expectStatus(t, change("ana", url.Values{"action": {"disable"}}), http.StatusSeeOther)
	if p := ana.get("/web/devices"); p.status != http.StatusSeeOther {
		t.Fatalf("a disabled user's browser: %d", p.status)
	}
	expectStatus(t, change("root", url.Values{"action": {"disable"}}), http.StatusBadRequest, "You cannot disable your own account.")
	expectStatus(t, change("root", url.Values{"action": {"admin-off"}}), http.StatusBadRequest)
	expectStatus(t, change("ana", url.Values{"action": {"enable"}}), http.StatusSeeOther)

	p = admin.post("/web/admin/devices", "/web/admin/devices/"+e.bobDesktop.ID+"/retire", url.Values{})
	if p.status != http.StatusSeeOther {
		t.Fatalf("retire: %d %s", p.status, p.body)
	}
	if d, _ := e.data.Records.Device(t.Context(), e.bobDesktop.ID); d.Retired.IsZero() {
		t.Fatal("not retired")
	}
	p = admin.get("/web/admin/audit")
	for _, want := range []string{"user.add", "carol", "user.quota", "user.password", "user.disable", "user.enable",
		"device.retire", "bob: desktop", "signin", "127.0.0.1"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the audit log does not show %q", want)
		}
	}
	if strings.Contains(p.body, "new password") {
		t.Fatal("a password in the audit log")
	}
}

// smtpSink is a tiny SMTP server on 127.0.0.1 that keeps what it is sent:
// the real protocol, as net/smtp speaks it.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []message
}

type message struct {
	from string
	to   []string
	data string
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 sink ESMTP")
	var m message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-sink")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = message{from: strings.TrimSpace(line[10:])}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(strings.TrimSpace(line[8:]), "<>"))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpSink) messages() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.msgs...)
}

func TestBackupAlertsByEmailOncePerDeviceAndLevel(t *testing.T) {
	sink := newSMTPSink(t)
	e := newEnv(t, func(o *Options) { o.SMTP, o.SMTPFrom = sink.ln.Addr().String(), "cairn@example.org" })
	ctx := t.Context()
	rec := e.data.Records
	rec.SetUserEmail(ctx, "ana", "ana@example.org")
	rec.SetUserEmail(ctx, "root", "it@example.org")
	if _, err := rec.AddObject(ctx, records.Object{Device: e.anaLaptop.ID, Kind: "packs", Name: "p1", Size: 10, Arrived: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	check := func(want int) []message {
		t.Helper()
		if err := e.web.CheckBackups(ctx); err != nil {
			t.Fatal(err)
		}
		got := sink.messages()
		if len(got) != want {
			t.Fatalf("%d messages, want %d: %+v", len(got), want, got)
		}
		return got
	}
	check(0)
	e.clock.Advance(3*24*time.Hour + time.Hour)
	// Warning for both devices; bob has no address: the administrator only.
	msgs := check(2)
	var ana message
	for _, m := range msgs {
		if strings.Contains(m.data, "laptop") {
			ana = m
		}
	}
	if strings.Join(ana.to, ",") != "ana@example.org,it@example.org" || !strings.Contains(ana.data, "Subject: Cairn: laptop (ana) has not backed up for 3 days") ||
		!strings.Contains(ana.data, "From: cairn@example.org") || !strings.Contains(ana.data, "Warning") {
		t.Fatalf("the warning: %+v", ana)
	}
	check(2) // not again
	e.clock.Advance(4 * 24 * time.Hour)
	msgs = check(4)
	if !strings.Contains(msgs[2].data+msgs[3].data, "Critical") {
		t.Fatalf("no critical alert: %+v", msgs[2:])
	}
	check(4)
	// A backup starts a new lapse: alerts come again when it lapses again.
	rec.AddObject(ctx, records.Object{Device: e.anaLaptop.ID, Kind: "packs", Name: "p2", Size: 10, Arrived: e.clock.Now()})
	check(4)
	e.clock.Advance(3*24*time.Hour + time.Hour)
	check(5)
}
