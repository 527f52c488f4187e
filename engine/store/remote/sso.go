package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/store"
)

// Errors of single sign-on (docs/SSO.md). Each says what to do next.
var (
	ErrSSORefused    = errors.New("the organisation's sign-in did not complete (cancelled, or refused by the identity provider): try again")
	ErrSSONotAllowed = errors.New("your account is not allowed to use this backup service: ask your IT department")
	ErrSSODenied     = errors.New("the sign-in was declined on the other device, or the organisation's sign-in refused it: start again if that was a mistake")
	ErrSSOExpired    = errors.New("the sign-in was not finished in time and has expired: start it again")
	ErrSSOServer     = errors.New("the server could not finish the sign-in: try again later; its log says why")
)

// SSOOptions configure a sign-in through the browser.
type SSOOptions struct {
	// Fingerprint is the server's pinned certificate ("" when the system's
	// certificate authorities vouch for it).
	Fingerprint string
	// Device and OS name this computer; Adopt is the ID of one of the
	// account's devices this computer replaces, or "" (as in Adopt).
	Device, OS, Adopt string
	// OpenBrowser opens the system browser at an address (nil: none is
	// opened, the person opens the address Show gives).
	OpenBrowser func(address string) error
	// Show tells the person the address, before the browser opens: for
	// when none does (a remote session, a browser that is not set up).
	Show func(address string)
}

// loopbackWait is how long SignInSSO waits for the browser: the server
// forgets a sign-in after 10 minutes, and a person may be slow with MFA.
const loopbackWait = 11 * time.Minute

// SignInSSO signs this computer in through the person's web browser and
// the organisation's sign-in, by the loopback flow (RFC 8252 with PKCE):
// the browser brings a one-time grant back to a listener on 127.0.0.1,
// and only this process, which holds the PKCE verifier, can trade it for
// the device's token.
func SignInSSO(ctx context.Context, serverURL string, o SSOOptions) (Account, error) {
	var acct Account
	err := browserSignIn(ctx, serverURL, o, "", func(c *client, q url.Values, verifier string) (err error) {
		acct, err = c.tradeGrant(ctx, q, verifier, o)
		return err
	})
	return acct, err
}

// browserSignIn runs the loopback flow up to the grant and has trade
// trade it; the browser's last page says trade's outcome, in success's
// words when it succeeded ("": the computer is signed in).
func browserSignIn(ctx context.Context, serverURL string, o SSOOptions, success string,
	trade func(c *client, q url.Values, verifier string) error) error {
	c, err := newClient(serverURL, o.Fingerprint, "")
	if err != nil {
		return err
	}
	// The server is reached first, through the pinned certificate: a
	// wrong one or no server fails now, not after the person signed in.
	resp, err := c.do(ctx, http.MethodGet, c.url("healthz"), nil, 0, nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	lb, err := listenLoopback()
	if err != nil {
		return err
	}
	defer lb.close()
	lb.success = success
	verifier := oauth2.GenerateVerifier()
	address := c.url("sso", "start") + "?" + url.Values{"redirect_uri": {lb.redirect},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
		"state": {lb.state}}.Encode()
	if o.Show != nil {
		o.Show(address)
	}
	if o.OpenBrowser != nil {
		o.OpenBrowser(address) // when it fails, the address shown is the way
	}
	ans, err := lb.wait(ctx)
	if err != nil {
		return err
	}
	err = trade(c, ans.Values, verifier)
	ans.reply <- err
	return err
}

// tradeGrant trades what came back to the loopback listener for a token.
func (c *client) tradeGrant(ctx context.Context, q url.Values, verifier string, o SSOOptions) (Account, error) {
	if q.Get("error") != "" {
		return Account{}, refusalReason(q.Get("error_reason"))
	}
	acct, err := c.ssoSignIn(ctx, map[string]string{"code": q.Get("code"), "code_verifier": verifier,
		"device": o.Device, "os": o.OS, "adopt": o.Adopt})
	if err == nil && o.Adopt != "" && acct.DeviceID != o.Adopt {
		return Account{}, errors.New("the server signed this computer in as another device than the one it replaces")
	}
	return acct, err
}

// refusalReason is the error a refusal's reason code stands for; the
// codes are the broker's fixed list, never free text.
func refusalReason(reason string) error {
	switch reason {
	case "not_allowed":
		return ErrSSONotAllowed
	case "disabled":
		return ErrDisabled
	case "refused":
		return ErrSSORefused
	}
	return ErrSSOServer
}

// ssoCallback is what reached the loopback listener, and where the outcome
// of the sign-in goes back for the browser's page.
type ssoCallback struct {
	url.Values
	reply chan error
}

// ssoLoopback is the listener on 127.0.0.1 that the browser comes back to.
type ssoLoopback struct {
	srv      *http.Server
	redirect string
	state    string
	got      chan ssoCallback
	success  string // the last page's words ("": signed in)
}

func listenLoopback() (*ssoLoopback, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1 for the browser's answer: %w", err)
	}
	lb := &ssoLoopback{redirect: "http://" + l.Addr().String() + "/callback", state: oauth2.GenerateVerifier(),
		got: make(chan ssoCallback, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", lb.serve)
	lb.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go lb.srv.Serve(l)
	return lb, nil
}

// close stops the listener once the browser's page is written (a page
// still being written gets a few seconds).
func (lb *ssoLoopback) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if lb.srv.Shutdown(ctx) != nil {
		lb.srv.Close()
	}
}

// serve takes the browser's answer: only one that carries this sign-in's
// state (another program on this computer could send anything), and only
// once. The browser's page waits for the outcome, to say it.
func (lb *ssoLoopback) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("state") != lb.state {
		showLoopbackPage(w, http.StatusBadRequest, "This answer is not for the sign-in Cairn is waiting for. "+
			"Go back to Cairn and start the sign-in again if it does not finish.")
		return
	}
	cb := ssoCallback{Values: q, reply: make(chan error, 1)}
	select {
	case lb.got <- cb:
	default:
		showLoopbackPage(w, http.StatusConflict, "This sign-in has been answered already. You can close this window.")
		return
	}
	select {
	case err := <-cb.reply:
		if err != nil {
			showLoopbackPage(w, http.StatusForbidden, "The sign-in did not succeed: "+printable.Message(err.Error()))
			return
		}
		if lb.success != "" {
			showLoopbackPage(w, http.StatusOK, lb.success)
			return
		}
		showLoopbackPage(w, http.StatusOK, "This computer is signed in to Cairn. You can close this window.")
	case <-r.Context().Done():
	}
}

// wait waits for the browser's answer.
func (lb *ssoLoopback) wait(ctx context.Context) (ssoCallback, error) {
	timer := time.NewTimer(loopbackWait)
	defer timer.Stop()
	select {
	case cb := <-lb.got:
		return cb, nil
	case <-ctx.Done():
		return ssoCallback{}, ctx.Err()
	case <-timer.C:
		return ssoCallback{}, ErrSSOExpired
	}
}

var loopbackPage = template.Must(template.New("p").Parse(`<!doctype html><html lang="en"><meta charset="utf-8">` +
	`<title>Cairn</title><h1>Cairn</h1><p>{{.}}</p>`))

func showLoopbackPage(w http.ResponseWriter, status int, words string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	loopbackPage.Execute(w, words)
}

// ssoSignIn sends POST /api/v1/signin/sso and reads the token answer.
func (c *client) ssoSignIn(ctx context.Context, in map[string]string) (Account, error) {
	var out struct {
		Token    string `json:"token"`
		DeviceID string `json:"device_id"`
		User     string `json:"user"`
	}
	if err := c.ssoPost(ctx, c.url("api", "v1", "signin", "sso"), in, &out); err != nil {
		return Account{}, err
	}
	if len(out.Token) < 16 || len(out.Token) > 512 || !validID(out.DeviceID) {
		return Account{}, errors.New("the server's sign-in answer is not what Cairn expects")
	}
	return Account{Token: out.Token, DeviceID: out.DeviceID, User: printable.Name(out.User)}, nil
}

// ssoError is a refusal of the SSO endpoints that the flows act on: RFC
// 6749's and RFC 8628's codes, in the API's {"error","code"} form.
type ssoError struct {
	Code     string
	Says     string
	Interval int    // slow_down: the new interval, seconds
	Reason   string // access_denied: why, a code
}

func (e *ssoError) Error() string {
	if err := e.Unwrap(); err != nil {
		return err.Error()
	}
	if e.Code == "invalid_grant" {
		return "the server refused the sign-in grant (expired, used, or not this sign-in's): sign in again"
	}
	return "the sign-in is not finished yet (" + e.Code + ")"
}

// Unwrap lets errors.Is see the sentinel a refusal stands for.
func (e *ssoError) Unwrap() error {
	switch {
	case e.Code == "expired_token":
		return ErrSSOExpired
	case e.Code == "access_denied" && (e.Reason == "" || e.Reason == "declined"):
		return ErrSSODenied
	case e.Code == "access_denied":
		return refusalReason(e.Reason)
	}
	return nil
}

// ssoCodes are the codes ssoPost returns as an *ssoError.
var ssoCodes = map[string]bool{"invalid_grant": true, "authorization_pending": true, "slow_down": true,
	"expired_token": true, "access_denied": true}

// ssoPost is postJSON for the SSO endpoints, whose 400 answers carry a
// code the flows act on; other failures are mapped as everywhere else.
func (c *client) ssoPost(ctx context.Context, u string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		switch {
		case errors.Is(err, ErrFingerprint):
			return ErrFingerprint
		case ctx.Err() != nil:
			return ctx.Err()
		}
		return fmt.Errorf("%w: %s: %v", store.ErrOffline, c.base.Host, printable.Error(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 400 {
		return decodeJSON(resp.Body, out)
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct {
		Error    string `json:"error"`
		Code     string `json:"code"`
		Interval int    `json:"interval"`
		Reason   string `json:"reason"`
	}
	if json.Unmarshal(data, &e) == nil && resp.StatusCode == http.StatusBadRequest && ssoCodes[e.Code] {
		return &ssoError{Code: e.Code, Says: printable.String(e.Error, maxServerSays), Interval: e.Interval,
			Reason: printable.Name(e.Reason)}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return apiError(resp)
}
