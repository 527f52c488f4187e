package ssobroker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/cairnbackup/cairn/engine/server/limitaddr"
	"github.com/cairnbackup/cairn/engine/server/oidcrp"
)

// AccountRef names the account an identity signs in to: ID is the
// server's own (opaque to the broker), Name is shown to the person.
type AccountRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DeviceRequest is the computer a token is issued for, as in POST
// /api/v1/signin: its name and OS, and Adopt, the ID of one of the
// account's devices it takes over (the replace-device wizard), or "".
// Addr is the client's address, for the server's log and limits.
type DeviceRequest struct {
	Device, OS, Adopt, Addr string
}

// TokenAnswer is the answer of a sign-in, the same JSON as POST
// /api/v1/signin's.
type TokenAnswer struct {
	Token      string `json:"token"`
	DeviceID   string `json:"device_id"`
	ServerTime int64  `json:"server_time"`
	// User is the account's name, for the client to show ("signed in
	// as"); the broker fills it in from the AccountRef.
	User string `json:"user,omitempty"`
}

// Accounts is what the broker asks of the server. Both methods are called
// concurrently. Accounts that are also a DeviceLister serve the
// replace-device wizard's sign-in too (replace.go).
type Accounts interface {
	// Allow says whether the identity the provider vouched for may use
	// the service, and as which account (made at the first sign-in). An
	// *APIError's Message is shown to the person; other errors are logged
	// and the person reads that the server failed.
	Allow(ctx context.Context, who oidcrp.Identity) (AccountRef, error)
	// IssueToken registers the device (or finds it) and issues its token,
	// as POST /api/v1/signin does after a password. An *APIError is
	// written as the answer (device_limit, name_taken, disabled,
	// not_found...); other errors are a 500.
	IssueToken(ctx context.Context, acct AccountRef, dev DeviceRequest) (TokenAnswer, error)
}

// APIError is an answer with an HTTP status, a machine code and words for
// a person ({"error": Message, "code": Code}, docs/SERVER-API.md).
type APIError struct {
	Status        int
	Code, Message string
}

func (e *APIError) Error() string { return e.Message }

// Options configure a Broker.
type Options struct {
	// RP is the server as the identity provider's client; its redirect
	// URL must be CallbackURL(BaseURL).
	RP *oidcrp.RP
	// Accounts is the server's side: who may sign in, and their tokens.
	Accounts Accounts
	// Store keeps what lives between requests (default: a MemStore on Now).
	Store Store
	// BaseURL is the server's address as people's browsers reach it
	// ("https://backup.example.org:8443"): the device flow's page and the
	// callback hang below it.
	BaseURL string
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time
	// ClientAddr says which address sent a request (default: the peer);
	// the server passes its own, which knows trusted proxies.
	ClientAddr func(*http.Request) string
	// Log receives what an administrator may need (default: discarded).
	Log *slog.Logger
	// PollInterval is the device flow's least time between polls
	// (default 5 s, RFC 8628's); tests make it shorter.
	PollInterval time.Duration
	// Pending bounds the sign-ins and device codes waiting at once, per
	// address and in total (default 20 per address, 10,000 in all: far
	// more than a campus starts in 10 minutes, far less than fills memory).
	Pending Limit
	// WrongCodes bounds the wrong user codes typed in a window of 10
	// minutes, per address and in all (default 10 and 1,000): 8 letters of
	// 20 are 2.6×10¹⁰ codes, so guessing one stays hopeless.
	WrongCodes Limit
	// WebSignIn, when set, finishes a sign-in of the server's own web
	// pages that StartWeb began: it starts the person's web session for
	// acct and sends the browser to next (a path on this server). The
	// web pages thus share the one redirect URI IT registers.
	WebSignIn func(w http.ResponseWriter, r *http.Request, acct AccountRef, next string)
	// WebRefused, when set, shows a refused sign-in of the web pages (not
	// in an allowed group, the account disabled, the provider said no)
	// on the pages' own sign-in page, in words; else the broker's page
	// says it.
	WebRefused func(w http.ResponseWriter, r *http.Request, words string)
}

// The lifetimes of what the broker hands out.
const (
	// LoginTTL is how long a person has to sign in at the provider, and
	// a device code to be approved (RFC 8628's expires_in).
	LoginTTL = 10 * time.Minute
	// GrantTTL is how long a loopback client has to trade its grant.
	GrantTTL = 60 * time.Second
)

func (o *Options) applyDefaults() error {
	if o.RP == nil || o.Accounts == nil {
		return errors.New("ssobroker: RP and Accounts are required")
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("ssobroker: the base URL %q is not an address like https://backup.example.org", o.BaseURL)
	}
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Store == nil {
		o.Store = NewMemStore(o.Now)
	}
	if o.ClientAddr == nil {
		o.ClientAddr = peerAddr
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.Pending == (Limit{}) {
		o.Pending = Limit{PerAddr: 20, Total: 10000}
	}
	if o.WrongCodes == (Limit{}) {
		o.WrongCodes = Limit{PerAddr: 10, Total: 1000}
	}
	return nil
}

// CallbackURL is where the provider sends browsers back: the one redirect
// URI IT registers for the Cairn server.
func CallbackURL(baseURL string) string { return strings.TrimSuffix(baseURL, "/") + "/sso/callback" }

// Broker serves the sign-in flows. Safe for concurrent use.
type Broker struct {
	o      Options
	secure bool // the base URL is https: cookies are Secure
	pages  *pages
	wrong  *limiter
}

// New checks the options and returns a broker.
func New(o Options) (*Broker, error) {
	if err := o.applyDefaults(); err != nil {
		return nil, err
	}
	b := &Broker{o: o, secure: strings.HasPrefix(o.BaseURL, "https:"),
		wrong: newLimiter(o.WrongCodes, 10*time.Minute, o.Now)}
	b.pages = newPages(o.RP)
	return b, nil
}

// Handler serves the broker's routes; the server mounts it for exactly
// these paths (its own middleware around them).
func (b *Broker) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sso/start", b.start)
	mux.HandleFunc("GET /sso/callback", b.callback)
	mux.HandleFunc("GET /sso/device", b.devicePage)
	mux.HandleFunc("POST /sso/device", b.deviceForm)
	mux.HandleFunc("POST /api/v1/sso/device", b.deviceAuthorize)
	mux.HandleFunc("POST /api/v1/signin/sso", b.signin)
	return mux
}

// Routes are the method and path patterns Handler serves.
var Routes = []string{"GET /sso/start", "GET /sso/callback", "GET /sso/device", "POST /sso/device",
	"POST /api/v1/sso/device", "POST /api/v1/signin/sso"}

// hash is how secrets are named in the store.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// random is 256 random bits, base64url (crypto/rand, via x/oauth2).
func random() string { return oauth2.GenerateVerifier() }

// limitAddr is the address a request counts against in the limits.
func (b *Broker) limitAddr(r *http.Request) string { return limitaddr.Of(b.o.ClientAddr(r)) }

func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// maxJSON bounds a request body, as the server's API does.
const maxJSON = 64 << 10

func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSON))
	if err := dec.Decode(v); err != nil {
		return badRequest("the body is not the JSON expected: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the body holds more than one JSON value")
	}
	return nil
}

func badRequest(format string, a ...any) *APIError {
	return &APIError{http.StatusBadRequest, "bad_request", fmt.Sprintf(format, a...)}
}

// fail answers an API request with err: an *APIError as it is, anything
// else as a 500 whose words go to the log only.
func (b *Broker) fail(w http.ResponseWriter, r *http.Request, err error, extra ...any) {
	var ae *APIError
	if !errors.As(err, &ae) {
		b.o.Log.ErrorContext(r.Context(), "single sign-on failed", "path", r.URL.Path, "err", err)
		ae = &APIError{http.StatusInternalServerError, "internal", "the server failed; its log says why"}
	}
	out := map[string]any{"error": ae.Message, "code": ae.Code}
	for i := 0; i+1 < len(extra); i += 2 {
		out[extra[i].(string)] = extra[i+1]
	}
	writeJSON(w, ae.Status, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"the server failed","code":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
