package ssobroker

import (
	"net/http"
	"strings"
)

// StartWeb sends a browser to the provider to sign in to the server's own
// web pages (the web restore); back at /sso/callback, Options.WebSignIn
// starts the session and sends the browser to next. next must be a path
// on this server ("/restore"); anything else becomes "/", so a link
// cannot make the server send people elsewhere.
func (b *Broker) StartWeb(w http.ResponseWriter, r *http.Request, next string) {
	if b.o.WebSignIn == nil {
		b.serverFailed(w, r, errNoWeb)
		return
	}
	b.beginLogin(w, r, login{Web: true, Next: localPath(next)})
}

var errNoWeb = &APIError{http.StatusNotFound, "not_found", "the web pages' single sign-on is not set up (Options.WebSignIn)"}

// localPath is p when it is a path on this server, else "/".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") || len(p) > 1024 {
		return "/"
	}
	return p
}

// finishWeb ends a web pages' sign-in: a session, or the refusal in words.
func (b *Broker) finishWeb(w http.ResponseWriter, r *http.Request, l login, acct AccountRef, err error) {
	if err != nil && b.o.WebRefused != nil {
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		b.o.WebRefused(w, r, refusalWords(err))
		return
	}
	if err != nil {
		b.pages.show(w, http.StatusForbidden, page{Title: "You are not signed in", Lines: []string{refusalWords(err)}})
		return
	}
	// The hook's answer is its own; only this address, which carries the
	// provider's code, must not travel on as a Referer or stay in a cache.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	b.o.WebSignIn(w, r, acct, l.Next)
}
