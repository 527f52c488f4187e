package main

import (
	"net/http"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/server/web"
)

// webSignOn joins the web pages and the single sign-on broker, so that the
// pages sign in through the one redirect URI IT registered. They are made
// in turn: the pages first (cmdServe), then the broker, by server.New
// through Options.SSO (it needs the server's accounts); each end is set
// before the server takes a request. web stays nil when the pages are off,
// and the broker then finishes no web sign-in.
type webSignOn struct {
	broker *ssobroker.Lazy
	web    *web.Web
}

// hooks gives the broker's options the pages' end of a sign-in.
func (s *webSignOn) hooks(o *ssobroker.Options) {
	if s.web != nil {
		o.WebSignIn, o.WebRefused = s.web.SignInSSO, s.web.SSORefused
	}
}

// pages is the pages' single sign-on: the button's words and the way to
// the provider, through the broker.
func (s *webSignOn) pages(label string) web.SSO {
	return web.SSO{Label: label, Start: func(w http.ResponseWriter, r *http.Request, next string) error {
		return s.broker.StartWeb(w, r, next)
	}}
}
