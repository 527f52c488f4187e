package ssobroker

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

// style is the pages' only style; the CSP allows exactly it, by its hash.
const style = `body{font-family:system-ui,sans-serif;max-width:34em;margin:3em auto;padding:0 1em;line-height:1.5}` +
	`input,button{font-size:1.1em;padding:.3em .6em}input[name=user_code]{letter-spacing:.15em;text-transform:uppercase}`

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}} · Cairn</title><style>` + style + `</style>
<main><h1>{{.Title}}</h1>
{{range .Lines}}<p>{{.}}</p>
{{end}}{{if eq .Form "code"}}<form method="post" action="device"><input type="hidden" name="step" value="code">
<p><label>Code: <input name="user_code" autocomplete="off" autocapitalize="characters" maxlength="20" required autofocus></label>
<button>Next</button></p></form>
{{else if eq .Form "confirm"}}<form method="post" action="device"><input type="hidden" name="step" value="confirm">
<input type="hidden" name="user_code" value="{{.UserCode}}"><input type="hidden" name="csrf" value="{{.CSRF}}">
<p><button name="answer" value="yes">Continue</button> <button name="answer" value="no">No, this is not my computer</button></p></form>
{{end}}</main>
`))

// page is what one page says. Every field is text (html/template escapes
// it); Form is "", "code" or "confirm".
type page struct {
	Title          string
	Lines          []string
	Form           string
	UserCode, CSRF string
}

// pages writes the broker's HTML with its security headers.
type pages struct {
	csp string
}

func newPages(rp *oidcrp.RP) *pages {
	sum := sha256.Sum256([]byte(style))
	formAction := "'self'"
	// The Continue button's form is answered by a redirect to the
	// provider, and browsers hold redirects after a form to form-action.
	if u, err := url.Parse(rp.AuthURL(oidcrp.NewPending())); err == nil && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	return &pages{csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'"}
}

// headers go on every answer of the browser-facing routes: nothing framed,
// cached, sniffed, or sent on as a Referer (addresses here carry codes).
func (p *pages) headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", p.csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

func (p *pages) show(w http.ResponseWriter, status int, pg page) {
	p.headers(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	pageTemplate.Execute(w, pg)
}

// redirect sends the browser on, with the same headers.
func (p *pages) redirect(w http.ResponseWriter, r *http.Request, to string) {
	p.headers(w)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Cookies. The binding cookie ties a sign-in to the browser that started
// it: the provider's answer is taken only from that browser, so an address
// of the provider handed to someone else (to have them sign in for a flow
// the sender started) leads nowhere. The form cookie is the device page's
// CSRF guard (a double-submitted random value, SameSite=Strict).
const formCookie = "cairn_sso_form"

func bindingCookie(state string) string { return "cairn_sso_" + hash(state)[:16] }

// basePath is the path the server's routes hang below ("" at the root).
func (b *Broker) basePath() string {
	u, _ := url.Parse(b.o.BaseURL)
	return strings.TrimSuffix(u.Path, "/")
}

func (b *Broker) setCookie(w http.ResponseWriter, name, value, path string, sameSite http.SameSite, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: b.basePath() + path, MaxAge: maxAge,
		HttpOnly: true, Secure: b.secure, SameSite: sameSite})
}

// sameSecret compares two secrets in constant time; empty never matches.
func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// cookie is the value of a request's cookie, or "".
func cookie(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}
