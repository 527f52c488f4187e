package ssobroker

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

// login is a browser on its way to the provider: the provider's state,
// nonce and verifier (oidcrp), the browser's binding, and where the
// result goes: a loopback client (RedirectURI...) or a device code.
type login struct {
	IdP         oidcrp.Pending `json:"idp"`
	Binding     string         `json:"binding"` // SHA-256 of the binding cookie
	RedirectURI string         `json:"redirect_uri,omitempty"`
	Challenge   string         `json:"challenge,omitempty"`
	ClientState string         `json:"client_state,omitempty"`
	DeviceKey   string         `json:"device_key,omitempty"`
	Web         bool           `json:"web,omitempty"`
	Next        string         `json:"next,omitempty"`
}

// grant is what a loopback client trades for a token.
type grant struct {
	Account   AccountRef `json:"account"`
	Challenge string     `json:"challenge"`
}

// start begins the loopback flow: GET /sso/start?redirect_uri&
// code_challenge&code_challenge_method=S256&state.
func (b *Broker) start(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if b.elsewhere(r) && q.Get("via") == "" {
		// The binding cookie must be set under the name the provider
		// sends the browser back to: the base URL's.
		q.Set("via", "1") // once: a proxy may rewrite Host
		b.pages.redirect(w, r, b.o.BaseURL+"/sso/start?"+q.Encode())
		return
	}
	redirect, err := checkRedirect(q.Get("redirect_uri"))
	if err == nil {
		err = checkChallenge(q.Get("code_challenge"), q.Get("code_challenge_method"))
	}
	if err == nil && !unreserved(q.Get("state"), 8, 128) {
		err = errors.New("its state is missing or not a random value of 8 to 128 letters, digits and -._~")
	}
	if err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on start refused", "addr", b.o.ClientAddr(r),
			"query", printable.Message(r.URL.RawQuery), "err", err)
		b.pages.show(w, http.StatusBadRequest, page{Title: "This sign-in address is not right",
			Lines: []string{"Cairn did not make this address: " + err.Error() + ".",
				"Start the sign-in again from the Cairn app on your computer."}})
		return
	}
	b.beginLogin(w, r, login{RedirectURI: redirect, Challenge: q.Get("code_challenge"), ClientState: q.Get("state")})
}

// elsewhere says the browser reached the server by another name than the
// base URL's (the client was set up with an IP address, say).
func (b *Broker) elsewhere(r *http.Request) bool {
	u, err := url.Parse(b.o.BaseURL)
	return err == nil && !strings.EqualFold(r.Host, u.Host)
}

// beginLogin keeps l and sends the browser to the provider.
func (b *Broker) beginLogin(w http.ResponseWriter, r *http.Request, l login) {
	l.IdP = oidcrp.NewPending()
	binding := random()
	l.Binding = hash(binding)
	data, _ := json.Marshal(l)
	err := b.o.Store.Put(r.Context(), Entry{Kind: KindLogin, Key: hash(l.IdP.State), Addr: b.limitAddr(r),
		Expires: b.o.Now().Add(LoginTTL), Data: data}, b.o.Pending)
	if errors.Is(err, ErrFull) {
		b.pages.show(w, http.StatusTooManyRequests, page{Title: "Too many sign-ins are waiting",
			Lines: []string{"Too many sign-ins were started from this address (or on this server) in the last 10 minutes. " +
				"Finish one, or wait 10 minutes, and try again."}})
		return
	}
	if err != nil {
		b.serverFailed(w, r, fmt.Errorf("keep the sign-in: %w", err))
		return
	}
	b.setCookie(w, bindingCookie(l.IdP.State), binding, "/sso/callback", http.SameSiteLaxMode, int(LoginTTL.Seconds()))
	b.pages.redirect(w, r, b.o.RP.AuthURL(l.IdP))
}

// callback is where the provider sends the browser back:
// GET /sso/callback?code&state (or ?error&state).
func (b *Broker) callback(w http.ResponseWriter, r *http.Request) {
	l, ok := b.takeLogin(w, r)
	if !ok {
		return
	}
	acct, err := b.identify(r, l)
	switch {
	case l.DeviceKey != "":
		b.finishDevice(w, r, l, acct, err)
		return
	case l.Web:
		b.finishWeb(w, r, l, acct, err)
		return
	}
	if err != nil {
		b.pages.redirect(w, r, l.RedirectURI+"?"+url.Values{"error": {"access_denied"},
			"error_reason": {reasonOf(err)}, "state": {l.ClientState}}.Encode())
		return
	}
	g := random()
	data, _ := json.Marshal(grant{Account: acct, Challenge: l.Challenge})
	err = b.o.Store.Put(r.Context(), Entry{Kind: KindGrant, Key: hash(g), Addr: b.limitAddr(r),
		Expires: b.o.Now().Add(GrantTTL), Data: data}, Limit{Total: b.o.Pending.Total})
	if err != nil {
		b.serverFailed(w, r, fmt.Errorf("keep the grant: %w", err))
		return
	}
	b.pages.redirect(w, r, l.RedirectURI+"?"+url.Values{"code": {g}, "state": {l.ClientState}}.Encode())
}

// takeLogin finds the sign-in the provider's answer belongs to, once, and
// checks it comes back to the browser that started it. When it returns
// false it has answered.
func (b *Broker) takeLogin(w http.ResponseWriter, r *http.Request) (login, bool) {
	state := r.URL.Query().Get("state")
	e, err := b.o.Store.Take(r.Context(), KindLogin, hash(state))
	var l login
	if err == nil {
		err = json.Unmarshal(e.Data, &l)
	}
	if state == "" || err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on callback with an unknown state", "addr", b.o.ClientAddr(r), "err", err)
		b.pages.show(w, http.StatusBadRequest, page{Title: "This sign-in is over",
			Lines: []string{"This sign-in is unknown, was finished already, or has expired (a sign-in lasts 10 minutes).",
				"Start it again from the Cairn app on your computer."}})
		return l, false
	}
	name := bindingCookie(state)
	b.setCookie(w, name, "", "/sso/callback", http.SameSiteLaxMode, -1)
	if !sameSecret(hash(cookie(r, name)), l.Binding) {
		b.o.Log.WarnContext(r.Context(), "single sign-on callback in another browser", "addr", b.o.ClientAddr(r))
		b.pages.show(w, http.StatusBadRequest, page{Title: "This sign-in was started elsewhere",
			Lines: []string{"This sign-in was started in another browser, so Cairn does not finish it here: " +
				"if someone sent you this address, do not use it.",
				"To sign in, start again from the Cairn app on your own computer."}})
		return l, false
	}
	return l, true
}

// identify finishes the sign-in at the provider and asks the server which
// account the person signs in to.
func (b *Broker) identify(r *http.Request, l login) (AccountRef, error) {
	q := r.URL.Query()
	if q.Get("error") != "" || q.Get("code") == "" {
		b.o.Log.WarnContext(r.Context(), "the identity provider refused a sign-in", "addr", b.o.ClientAddr(r),
			"error", printable.Name(q.Get("error")), "description", printable.Message(q.Get("error_description")))
		return AccountRef{}, oidcrp.ErrRefused
	}
	who, err := b.o.RP.Finish(r.Context(), l.IdP, q.Get("code"))
	if err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on refused", "addr", b.o.ClientAddr(r),
			"user", printable.Name(who.Name), "err", printable.Error(err))
		return AccountRef{}, err
	}
	acct, err := b.o.Accounts.Allow(r.Context(), who)
	if err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on: the account may not sign in", "addr", b.o.ClientAddr(r),
			"user", printable.Name(who.Name), "err", printable.Error(err))
		return AccountRef{}, err
	}
	b.o.Log.InfoContext(r.Context(), "single sign-on", "addr", b.o.ClientAddr(r), "user", printable.Name(who.Name),
		"account", printable.Name(acct.ID))
	return acct, nil
}

// reasonOf is a refusal's reason as a loopback client reads it: a code
// from a fixed list (docs/SSO.md), never text from elsewhere.
func reasonOf(err error) string {
	var ae *APIError
	switch {
	case errors.Is(err, oidcrp.ErrNotAllowed):
		return "not_allowed"
	case errors.Is(err, oidcrp.ErrRefused):
		return "refused"
	case errors.As(err, &ae) && ae.Code == "disabled":
		return "disabled"
	case errors.As(err, &ae) && ae.Status < 500:
		return "not_allowed"
	}
	return "server_error"
}

// refusalWords is a refusal in words for the person's browser.
func refusalWords(err error) string {
	var ae *APIError
	switch {
	case errors.Is(err, oidcrp.ErrNotAllowed), errors.Is(err, oidcrp.ErrRefused):
		return err.Error()
	case errors.As(err, &ae) && ae.Status < 500:
		return ae.Message
	}
	return "The server could not finish the sign-in; its log says why. Try again later, or tell IT."
}

func (b *Broker) serverFailed(w http.ResponseWriter, r *http.Request, err error) {
	b.o.Log.ErrorContext(r.Context(), "single sign-on failed", "path", r.URL.Path, "err", err)
	b.pages.show(w, http.StatusInternalServerError, page{Title: "The sign-in failed",
		Lines: []string{"The server could not finish the sign-in; its log says why. Try again later, or tell IT."}})
}

// checkRedirect accepts only a loopback client's address (RFC 8252 7.3):
// http://127.0.0.1:PORT/callback or http://[::1]:PORT/callback, written
// exactly so: no user, query or fragment, no other host or path. Not
// "localhost", which a hosts file or DNS may send elsewhere (RFC 8252 8.3).
func checkRedirect(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return "", errors.New("its redirect_uri is not an http:// address of this computer")
	}
	host, port := u.Hostname(), u.Port()
	if host != "127.0.0.1" && host != "::1" {
		return "", errors.New("its redirect_uri is not on this computer (127.0.0.1 or [::1])")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
		return "", errors.New("its redirect_uri has no port")
	}
	want := "http://" + net.JoinHostPort(host, port) + "/callback"
	if raw != want {
		return "", fmt.Errorf("its redirect_uri is not exactly %s", want)
	}
	return want, nil
}

// checkChallenge accepts an S256 PKCE challenge: 43 characters of
// base64url (RFC 7636 4.2).
func checkChallenge(challenge, method string) error {
	if method != "S256" {
		return errors.New("its code_challenge_method is not S256")
	}
	if len(challenge) != 43 || !unreserved(challenge, 43, 43) || strings.ContainsAny(challenge, ".~") {
		return errors.New("its code_challenge is not an S256 challenge")
	}
	return nil
}

// unreserved says s has min to max characters, each a letter, a digit or
// one of -._~ (RFC 3986's unreserved, PKCE's verifier alphabet).
func unreserved(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
			return false
		}
	}
	return true
}
