package web

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// Single sign-on: the sign-in page's "Sign in with <Label>" leads to GET
// /web/sso, which hands the browser to the server's broker (package
// ssobroker); the broker brings it back through the one redirect URI IT
// registered (/sso/callback) and calls SignInSSO, or SSORefused.

// SSO is the organisation's single sign-on as the pages see it.
type SSO struct {
	// Label names the organisation on the button: "Sign in with
	// <Label>" ([oidc] label; default "your organisation's account").
	Label string
	// Start sends the browser to the identity provider (ssobroker's
	// Lazy.StartWeb); next is the page to show after signing in, a path
	// below /web/. An error means it could not (the provider cannot be
	// reached) and nothing was answered: the sign-in page says so.
	Start func(w http.ResponseWriter, r *http.Request, next string) error
}

func (s SSO) label() string {
	if s.Label == "" {
		return "your organisation's account"
	}
	return s.Label
}

// signinData is the sign-in page's own data: the name typed, the single
// sign-on button when there is one, and the page to show after (Next; ""
// for the devices page).
type signinData struct {
	User, SSO, SSOHref, Next string
}

// signinData is the sign-in page's data; next comes from the page's
// address (toSignin) or its form.
func (w *Web) signinData(r *http.Request, user string) signinData {
	d := signinData{User: user}
	if next := r.FormValue("next"); next != "" && pageAfter(next) == next {
		d.Next = next
	}
	if w.o.SSO.Start != nil {
		d.SSO, d.SSOHref = w.o.SSO.label(), "/web/sso"
		if d.Next != "" {
			d.SSOHref += "?" + url.Values{"next": {d.Next}}.Encode()
		}
	}
	return d
}

// pageAfter is the page to show after a sign-in: next when it is a page
// of these pages, else the devices page. Nothing else, so that a link
// cannot make the server send a person to another site.
func pageAfter(next string) string {
	const home = "/web/devices"
	if !strings.HasPrefix(next, "/web/") || strings.ContainsAny(next, "\\\r\n\t") || len(next) > 1024 {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(path.Clean(u.Path)+"/", "/web/") {
		return home
	}
	return next
}

// ssoStart is GET /web/sso?next=PATH: to the identity provider.
func (w *Web) ssoStart(rw http.ResponseWriter, r *http.Request) {
	if w.o.SSO.Start == nil {
		w.notFound(rw, r)
		return
	}
	next := pageAfter(r.URL.Query().Get("next"))
	if _, ok := w.session(rw, r); ok {
		http.Redirect(rw, r, next, http.StatusSeeOther)
		return
	}
	if err := w.o.SSO.Start(rw, r, next); err != nil {
		w.log.Warn("the web pages' single sign-on could not start", "err", err)
		w.signinForm(rw, r, http.StatusServiceUnavailable, view{Title: "Sign in", Error: "The sign-in with " +
			w.o.SSO.label() + " cannot be reached right now. Try again in a few minutes; if it lasts, tell your IT department."}, "")
	}
}

// SignInSSO finishes a single sign-on the broker vouched for
// (ssobroker.Options.WebSignIn): it starts acct's session as the password
// sign-in does, and sends the browser on to next. An account disabled or gone
// since is refused on the sign-in page.
func (w *Web) SignInSSO(rw http.ResponseWriter, r *http.Request, acct ssobroker.AccountRef, next string) {
	w.headers(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		u, err := w.rec.User(r.Context(), acct.Name)
		switch {
		case errors.Is(err, records.ErrNotFound) || err == nil && strconv.FormatInt(u.ID, 10) != acct.ID:
			w.ssoRefused(rw, r, acct.Name, "The account of this sign-in is gone. Sign in again, or ask your administrator.")
		case err != nil:
			w.failed(rw, r, err)
		case u.Disabled:
			w.ssoRefused(rw, r, u.Name, "Your account is disabled. Ask your administrator.")
		default:
			if err := w.startSession(rw, r, u, ""); err != nil {
				w.failed(rw, r, err)
				return
			}
			w.audit(r, u.Name, "signin.sso", "", "")
			// Not a redirect: the browser came from the provider, another
			// site, and would not send the new SameSite=Strict cookie on
			// to next; a page of this site moving on does.
			w.render(rw, r, http.StatusOK, "signedin", view{Title: "Signed in", D: pageAfter(next)})
		}
	})).ServeHTTP(rw, r)
}

// SSORefused shows a refused single sign-on on the sign-in page, in the
// broker's words (ssobroker.Options.WebRefused).
func (w *Web) SSORefused(rw http.ResponseWriter, r *http.Request, words string) {
	w.headers(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.ssoRefused(rw, r, "", words)
	})).ServeHTTP(rw, r)
}

func (w *Web) ssoRefused(rw http.ResponseWriter, r *http.Request, actor, words string) {
	words = asSentence(words)
	e := records.AuditEntry{At: w.o.Now(), Actor: actor, Action: "signin.refused", Detail: "single sign-on: " + words, Addr: clientAddr(r)}
	if err := w.rec.AddAuditCounted(r.Context(), e, time.Hour); err != nil {
		w.log.Error("could not write the audit log", "action", e.Action, "err", err)
	}
	w.signinForm(rw, r, http.StatusForbidden, view{Title: "Sign in", Error: words}, "")
}

// asSentence capitalises words and ends them with a full stop, unless
// they end a sentence already.
func asSentence(words string) string {
	return sentence(strings.TrimSuffix(strings.TrimSpace(words), "."))
}
