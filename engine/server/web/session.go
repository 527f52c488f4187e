package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// Cookie names. The __Host- prefix makes browsers refuse them unless they
// are Secure, for the whole host and set by it.
const (
	sessionCookie = "__Host-cairn-session"
	signinCookie  = "__Host-cairn-signin" // the sign-in form's token, before there is a session
)

// session is the signed-in person of a request.
type session struct {
	id   string // the cookie's value; never stored
	hash string // what the records keep
	user records.User
	ws   records.WebSession
	zone *time.Location
	// zoneFromBrowser: the zone is the browser's, not the server's.
	zoneFromBrowser bool
}

// csrf is the token every form of the session carries: derived from the
// session id, which only the cookie holds, so another site cannot know it
// and the records cannot give it away.
func (s *session) csrf() string { return csrfToken(s.id) }

func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("cairn web form"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func randomID() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

func setCookie(rw http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(rw, c)
}

// session returns the request's session when it has a valid one. A session
// past its idle or absolute limit is ended here (and its archives closed),
// whatever the sweeper has done yet.
func (w *Web) session(rw http.ResponseWriter, r *http.Request) (*session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, false
	}
	ctx := r.Context()
	s := &session{id: c.Value, hash: hashID(c.Value)}
	s.ws, err = w.rec.WebSession(ctx, s.hash)
	if err != nil {
		if !errors.Is(err, records.ErrNotFound) {
			w.log.Error("reading a web session failed", "err", err)
		}
		return nil, false
	}
	now := w.o.Now()
	if now.Sub(s.ws.LastUsed) >= w.o.IdleTimeout || now.Sub(s.ws.Created) >= w.o.MaxAge {
		w.end(ctx, s.hash)
		return nil, false
	}
	s.user, err = w.rec.User(ctx, s.ws.UserName)
	if err != nil || s.user.Disabled {
		w.end(ctx, s.hash)
		return nil, false
	}
	zone := r.FormValue("tz") // the hidden field the script fills in
	if _, err := time.LoadLocation(zone); zone == "" || err != nil || len(zone) > 64 {
		zone = ""
	}
	if err := w.rec.TouchWebSession(ctx, s.hash, now, zone); err != nil {
		w.log.Warn("could not record a web session's use", "err", err)
	}
	if zone != "" {
		s.ws.Zone = zone
	}
	s.zone = w.o.ServerZone
	if loc, err := time.LoadLocation(s.ws.Zone); s.ws.Zone != "" && err == nil {
		s.zone, s.zoneFromBrowser = loc, true
	}
	return s, true
}

// end ends a session: its record, and every archive it opened.
func (w *Web) end(ctx context.Context, hash string) {
	if err := w.rec.RemoveWebSession(context.WithoutCancel(ctx), hash); err != nil {
		w.log.Warn("could not remove a web session", "err", err)
	}
	w.open.forget(hash)
}

// Sweep ends the sessions past their limits and closes the archives of
// sessions that ended (signed out, expired, their user disabled).
func (w *Web) Sweep(ctx context.Context) {
	now := w.o.Now()
	hashes, err := w.rec.ExpireWebSessions(ctx, now.Add(-w.o.MaxAge), now.Add(-w.o.IdleTimeout))
	if err != nil {
		w.log.Warn("expiring web sessions failed", "err", err)
		return
	}
	for _, h := range hashes {
		w.open.forget(h)
	}
	for _, h := range w.open.sessions() {
		ws, err := w.rec.WebSession(ctx, h)
		if errors.Is(err, records.ErrNotFound) {
			w.open.forget(h)
			continue
		}
		if err == nil {
			if u, err := w.rec.User(ctx, ws.UserName); err == nil && u.Disabled {
				w.end(ctx, h)
			}
		}
	}
}

// handler is a page for a signed-in person.
type handler func(rw http.ResponseWriter, r *http.Request, s *session)

// page runs h for a signed-in person, and sends others to sign in.
func (w *Web) page(h handler) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		s, ok := w.session(rw, r)
		if !ok {
			w.toSignin(rw, r)
			return
		}
		h(rw, r, s)
	}
}

// post is page for forms: the request must come from this site
// (http.CrossOriginProtection) and carry the session's token.
func (w *Web) post(h handler) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if err := w.origin.Check(r); err != nil {
			w.refuse(rw, r)
			return
		}
		r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
		s, ok := w.session(rw, r)
		if !ok {
			w.toSignin(rw, r)
			return
		}
		if !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(s.csrf())) {
			w.refuse(rw, r)
			return
		}
		h(rw, r, s)
	}
}

func (w *Web) refuse(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusForbidden, "message", view{Title: "Refused",
		Error: "This form was refused: it was not sent from this server's own page, or the page had grown old. Go back, reload the page and try again."})
}

// toSignin sends a browser to sign in, and then back to the page it
// asked for (next), when that is a page to come back to.
func (w *Web) toSignin(rw http.ResponseWriter, r *http.Request) {
	q := url.Values{}
	if _, err := r.Cookie(sessionCookie); err == nil {
		q.Set("ended", "1")
		setCookie(rw, sessionCookie, "", 0)
	}
	if next := r.URL.RequestURI(); r.Method == http.MethodGet && next != "/web/devices" && pageAfter(next) == next {
		q.Set("next", next)
	}
	to := "/web/signin"
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	http.Redirect(rw, r, to, http.StatusSeeOther)
}

func (w *Web) signinPage(rw http.ResponseWriter, r *http.Request) {
	if _, ok := w.session(rw, r); ok {
		http.Redirect(rw, r, "/web/devices", http.StatusSeeOther)
		return
	}
	v := view{Title: "Sign in"}
	switch {
	case r.URL.Query().Get("ended") != "":
		v.Notice = "Your session ended (15 minutes without activity, or 8 hours after you signed in) and the server forgot your archive keys. Sign in again."
	case r.URL.Query().Get("bye") != "":
		v.Notice = "You are signed out. The server has forgotten the keys of the archives you opened."
	}
	w.signinForm(rw, r, http.StatusOK, v, "")
}

// signinForm shows the sign-in form with a fresh token (a cookie and the
// same value in the form, since there is no session yet).
func (w *Web) signinForm(rw http.ResponseWriter, r *http.Request, status int, v view, user string) {
	token := randomID()
	setCookie(rw, signinCookie, token, time.Hour)
	v.CSRF = token
	v.D = w.signinData(r, user)
	w.render(rw, r, status, "signin", v)
}

func (w *Web) signin(rw http.ResponseWriter, r *http.Request) {
	if err := w.origin.Check(r); err != nil {
		w.refuse(rw, r)
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	c, err := r.Cookie(signinCookie)
	if err != nil || c.Value == "" || !hmac.Equal([]byte(c.Value), []byte(r.PostFormValue("csrf"))) {
		w.refuse(rw, r)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("user"))
	u, err := w.check(r, name, r.PostFormValue("password"))
	if err != nil {
		status, msg := signinRefusal(err)
		w.auditSigninRefused(r, err, msg)
		w.signinForm(rw, r, status, view{Title: "Sign in", Error: msg}, name)
		return
	}
	zone := r.PostFormValue("tz")
	if _, err := time.LoadLocation(zone); err != nil || len(zone) > 64 {
		zone = ""
	}
	if err := w.startSession(rw, r, u, zone); err != nil {
		w.failed(rw, r, err)
		return
	}
	w.audit(r, u.Name, "signin", "", "")
	http.Redirect(rw, r, pageAfter(r.PostFormValue("next")), http.StatusSeeOther)
}

// startSession starts u's session: its record, and its cookie in place of
// the sign-in form's. Every way of signing in ends here.
func (w *Web) startSession(rw http.ResponseWriter, r *http.Request, u records.User, zone string) error {
	id := randomID()
	now := w.o.Now()
	ws := records.WebSession{Hash: hashID(id), UserID: u.ID, Created: now, LastUsed: now, Addr: clientAddr(r), Zone: zone}
	if err := w.rec.AddWebSession(r.Context(), ws); err != nil {
		return err
	}
	setCookie(rw, signinCookie, "", 0)
	setCookie(rw, sessionCookie, id, w.o.MaxAge)
	return nil
}

func (w *Web) signout(rw http.ResponseWriter, r *http.Request, s *session) {
	w.end(r.Context(), s.hash)
	setCookie(rw, sessionCookie, "", 0)
	w.audit(r, s.user.Name, "signout", "", "")
	http.Redirect(rw, r, "/web/signin?bye=1", http.StatusSeeOther)
}

// auditSigninRefused records a refused sign-in. Anyone can send refused
// sign-ins, as many as they like: the name is recorded as the server logs
// it (a name that is no account may be a password typed in the wrong field),
// repeats within an hour share one counted row, and refusals over a limit
// share it whatever the name, so the log grows by a row per address and
// hour, not by what strangers send.
func (w *Web) auditSigninRefused(r *http.Request, err error, msg string) {
	e := records.AuditEntry{At: w.o.Now(), Action: "signin.refused", Detail: msg, Addr: clientAddr(r)}
	var sr *server.SigninRefused
	if errors.As(err, &sr) {
		e.Actor = sr.User
		if sr.Code == "rate_limited" {
			e.Actor, e.Action = "", "signin.limited"
		}
	}
	if err := w.rec.AddAuditCounted(r.Context(), e, time.Hour); err != nil {
		w.log.Error("could not write the audit log", "action", e.Action, "err", err)
	}
}

// clientAddr is the browser's address as the server sees it: behind a
// trusted proxy, the address the proxy names (server.ClientAddr).
func clientAddr(r *http.Request) string { return server.ClientAddr(r) }
