package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"time"

	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/ldapdir"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/server/vault"
)

// Options configure a Server. Zero values get the defaults, which are
// those of docs/SERVER-API.md; tests shorten them.
type Options struct {
	// Vault stores the objects; its Records are the accounts. Required.
	Vault *vault.Vault
	// Logger gets one line per request and what the server does in the
	// background. Default: slog.Default().
	Logger *slog.Logger
	// Now is the server clock (default time.Now). It stamps X-Cairn-Time,
	// arrivals, deletions and sign-in failures; the vault should share it.
	Now func() time.Time
	// Sleep waits after a failed sign-in (default: a timer, or until ctx
	// ends). Tests replace it to stay fast.
	Sleep func(ctx context.Context, d time.Duration)

	// MaxObject is the largest object accepted (default 256 MiB): above
	// the engine's largest pack, below what a slow link uploads in one go.
	MaxObject int64
	// MaxJSON caps JSON request bodies (default 64 KiB).
	MaxJSON int64
	// MinRate and RateWindow: a body that arrives, or a response that is
	// taken, slower than MinRate bytes per second over RateWindow is cut
	// off (default 8 KiB/s over 30 s): a modem is faster, a stalled or
	// malicious client is not.
	MinRate    int64
	RateWindow time.Duration

	// Sign-in limits (docs/SERVER.md, "Sign-in limits"). Each attempt is
	// counted as a failure before its password is checked, and uncounted
	// when it succeeds, so attempts sent at once cannot pass a limit.
	//
	// SigninFailures within SigninWindow for one user name from one
	// address make that name wait there (429) until the window has passed
	// (default 5 in 15 minutes): a person who mistypes gets a few tries, a
	// guesser a handful per quarter hour.
	SigninFailures int
	SigninWindow   time.Duration
	// AddressFailures within SigninWindow from one address, whatever the
	// names, make that address wait (default 20: an office behind one
	// address holds several people who mistype, one guesser trying many
	// names is still slow). IPv6 addresses count by their /64, what one
	// machine is usually given.
	AddressFailures int
	// AccountFailures within AccountWindow for one user name from all
	// addresses make it wait everywhere except at the addresses it signed
	// in from within KnownFor (default 100 an hour, 90 days): guessing from
	// many addresses is slowed, and a stranger still cannot lock a person
	// out of the computers they use.
	AccountFailures int
	AccountWindow   time.Duration
	KnownFor        time.Duration
	// FailureDelay: each failure is answered after it (default 1 s), so
	// guessing is slow even below the limits.
	FailureDelay time.Duration
	// TrustedProxies are the reverse proxies and load balancers in front
	// of the server. Only a request whose direct peer is one of them has its
	// client taken from X-Forwarded-For (the rightmost address that is not a
	// trusted proxy); from anyone else the header is ignored, since a client
	// can write what it likes there. Default none.
	TrustedProxies []netip.Prefix
	// AuditRetention is how long the web pages' audit log keeps an entry
	// (default 400 days: a year's reviews and the same month a year on);
	// the purge forgets older ones.
	AuditRetention time.Duration
	// HashParams are the Argon2id parameters of the password hash checked
	// for an unknown user, so that a wrong user name takes as long as a
	// wrong password (default passhash.Default, as user add uses).
	HashParams passhash.Params
	// MaxHashing bounds concurrent password checks: each takes 64 MiB and
	// a core for 0.1 s (default: the number of CPUs, at most 4).
	MaxHashing int
	// TouchEvery is how often a token's last use and its device's last
	// sighting are written (default 1 minute): not at every request.
	TouchEvery time.Duration
	// TokenIdle: a device token unused for longer stops working (401
	// "signed_out", reason "expired"; default 180 days): a computer that
	// backs up uses its token every day, a lost or sold one does not.
	TokenIdle time.Duration
	// MaxUploads bounds one user's uploads in flight (default 8: a
	// computer sends up to two packs at once, and an account has up to
	// four computers by default), so one account cannot hold many
	// connections staging. More wait for a slot up to half of RateWindow,
	// then are refused (429 "busy").
	MaxUploads int
	// uploadWait, when a test sets it, replaces that wait.
	uploadWait time.Duration

	// Grace is how long deleted objects stay in the trash (default 30
	// days); PurgeEvery how often Serve purges what is older (default 1
	// hour).
	Grace      time.Duration
	PurgeEvery time.Duration
	// ShutdownTimeout bounds how long Serve waits, after its context ends,
	// for requests in flight (default 2 minutes).
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout, IdleTimeout and MaxHeaderBytes of the HTTP server
	// (default 10 s, 2 minutes, 64 KiB).
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int

	// Directory, when set, signs people in against the organisation's
	// LDAP directory or Active Directory: accounts are made at the first
	// sign-in and follow the directory (directory.go); Serve syncs it at
	// its interval.
	Directory *ldapdir.Directory

	// KEK, when set, holds the key-encryption keys of organisation-held
	// archive keys ([keys] kek_file): the server keeps those archive keys
	// wrapped under it and gives them only to the user's own signed-in
	// devices (and its web restore).
	KEK *kek.Ring

	// SSO, when set, makes the single sign-on broker (package ssobroker)
	// over the server's accounts; its routes (ssobroker.Routes) are served
	// without a token.
	SSO func(accounts ssobroker.Accounts) http.Handler
	// SSOLabel names the organisation on the clients' sign-in button,
	// "Sign in with <SSOLabel>" ([oidc] label); GET /api/v1/signin/methods
	// gives it.
	SSOLabel string

	// Web, when set, serves the browser pages (package server/web) under
	// /web/, and / sends browsers there. It is given the API's password
	// check, so that a browser's sign-ins share its limits and delays.
	Web func(check SigninCheck) http.Handler

	// checkHook, when a test sets it, runs as a password check begins:
	// tests count the checks and hold them at a barrier.
	checkHook func()
}

func (o *Options) applyDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = Sleep
	}
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxObject, 256<<20)
	def(&o.MaxJSON, 64<<10)
	def(&o.MinRate, 8<<10)
	defDur(&o.RateWindow, 30*time.Second)
	if o.SigninFailures <= 0 {
		o.SigninFailures = 5
	}
	defDur(&o.SigninWindow, 15*time.Minute)
	if o.AddressFailures <= 0 {
		o.AddressFailures = 20
	}
	if o.AccountFailures <= 0 {
		o.AccountFailures = 100
	}
	defDur(&o.AccountWindow, time.Hour)
	defDur(&o.KnownFor, 90*24*time.Hour)
	defDur(&o.AuditRetention, 400*24*time.Hour)
	defDur(&o.FailureDelay, time.Second)
	if o.HashParams == (passhash.Params{}) {
		o.HashParams = passhash.Default
	}
	if o.MaxHashing <= 0 {
		o.MaxHashing = min(4, runtime.NumCPU())
	}
	defDur(&o.TouchEvery, time.Minute)
	defDur(&o.TokenIdle, 180*24*time.Hour)
	if o.MaxUploads <= 0 {
		o.MaxUploads = 8
	}
	defDur(&o.Grace, 30*24*time.Hour)
	defDur(&o.PurgeEvery, time.Hour)
	defDur(&o.ShutdownTimeout, 2*time.Minute)
	defDur(&o.ReadHeaderTimeout, 10*time.Second)
	defDur(&o.IdleTimeout, 2*time.Minute)
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = 64 << 10
	}
}

// Server answers the API. Safe for concurrent use.
type Server struct {
	o       Options
	rec     records.Store
	vault   *vault.Vault
	log     *slog.Logger
	hashing chan struct{} // a slot per concurrent password check
	uploads uploadSlots   // each user's uploads in flight
	dummy   string        // the hash checked for unknown users
	nameKey []byte        // keys the hash that logs a name that is no account
	leavers *serverChecks // what the leaver checks remember (directory_check.go)
	handler http.Handler
}

// New returns a server.
func New(o Options) (*Server, error) {
	if o.Vault == nil {
		return nil, errors.New("server: no vault")
	}
	o.applyDefaults()
	dummy, err := passhash.Hash([]byte("not anyone's password"), o.HashParams)
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, rec: o.Vault.Records(), vault: o.Vault, log: o.Logger,
		hashing: make(chan struct{}, o.MaxHashing), dummy: dummy, nameKey: make([]byte, 32),
		leavers: newServerChecks()}
	if _, err := rand.Read(s.nameKey); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.handler = s.wrap(s.routes())
	return s, nil
}

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("POST /api/v1/signin", s.signin)
	m.HandleFunc("POST /api/v1/signin/devices", s.accountDevices)
	m.HandleFunc("GET /api/v1/signin/methods", s.methods)
	m.HandleFunc("POST /api/v1/signout", s.authed(s.signout))
	m.HandleFunc("GET /api/v1/devices", s.authed(s.devices))
	m.HandleFunc("GET /api/v1/devices/{id}/{kind}/{$}", s.authed(s.object(s.list)))
	m.HandleFunc("PUT /api/v1/devices/{id}/{kind}/{name}", s.authed(s.object(s.put)))
	m.HandleFunc("GET /api/v1/devices/{id}/{kind}/{name}", s.authed(s.object(s.get)))
	m.HandleFunc("HEAD /api/v1/devices/{id}/{kind}/{name}", s.authed(s.object(s.head)))
	m.HandleFunc("DELETE /api/v1/devices/{id}/{kind}/{name}", s.authed(s.object(s.delete)))
	for _, p := range []string{"/healthz", "/api/v1/signin", "/api/v1/signin/devices", "/api/v1/signout", "/api/v1/devices",
		"/api/v1/devices/{id}/{kind}/{$}", "/api/v1/devices/{id}/{kind}/{name}"} {
		m.HandleFunc(p, s.methodNotAllowed)
	}
	s.escrowRoutes(m)
	s.orgKeyRoutes(m)
	if s.o.SSO != nil {
		h := s.o.SSO(ssoAccounts{s})
		for _, p := range ssobroker.Routes {
			m.Handle(p, h)
		}
	}
	if s.o.Web != nil {
		m.Handle("/web/", s.o.Web(s.checkSignin))
		m.Handle("GET /{$}", http.RedirectHandler("/web/", http.StatusSeeOther))
	}
	m.HandleFunc("/", s.notFound)
	return m
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, &apiError{http.StatusNotFound, "not_found", "no such endpoint"})
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, &apiError{http.StatusMethodNotAllowed, "bad_request", r.Method + " is not allowed here"})
}

// SigninCheck checks a password as POST /api/v1/signin does: the same
// limits per user name and per address, the same delay after a failure. A
// refusal is a *SigninRefused.
type SigninCheck func(r *http.Request, user, password string) (records.User, error)

// SigninRefused is a refused sign-in: the API's code ("credentials",
// "rate_limited", "disabled", "internal"), its words, and the wait of
// "rate_limited". User is the name as it may be logged and recorded: the
// account's name, or for a name that is no account (perhaps a password
// typed in the wrong field) a keyed hash of it.
type SigninRefused struct {
	Code, Message string
	RetryAfter    time.Duration
	User          string
}

func (e *SigninRefused) Error() string { return e.Message }

// checkSignin is signedIn with its answer captured instead of sent.
func (s *Server) checkSignin(r *http.Request, user, password string) (records.User, error) {
	c := &captured{h: http.Header{}}
	if u, ok := s.signedIn(c, r, user, password); ok {
		return u, nil
	}
	var e struct{ Error, Code string }
	json.Unmarshal(c.body.Bytes(), &e)
	secs, _ := strconv.Atoi(c.h.Get("Retry-After"))
	refused := &SigninRefused{Code: e.Code, Message: e.Error, RetryAfter: time.Duration(secs) * time.Second}
	if info := infoOf(r); info != nil {
		refused.User = info.user
	}
	return records.User{}, refused
}

// captured is an answer kept instead of sent.
type captured struct {
	h    http.Header
	body bytes.Buffer
}

func (c *captured) Header() http.Header         { return c.h }
func (c *captured) Write(p []byte) (int, error) { return c.body.Write(p) }
func (c *captured) WriteHeader(int)             {}

// Sleep waits d, or until ctx ends: how failed sign-ins are slowed (the
// default of Options.Sleep; the web pages slow theirs the same way).
func Sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
