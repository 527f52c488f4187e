// Package oidcrp is the Cairn server as an OpenID Connect relying party:
// the one client the organisation's identity provider knows. It brokers
// sign-in for the server's own desktop clients and web pages, so IT
// registers one redirect URI.
//
// Everything that checks a token is coreos/go-oidc and golang.org/x/oauth2:
// the authorization code flow with PKCE (S256), a state and a nonce per
// sign-in; the ID token's signature (against the provider's published
// keys, never "none"), issuer, audience, expiry and nonce. A person is
// known by issuer and subject, never by e-mail alone. With CheckRefresh it
// also asks for a refresh token, which the server uses (Refresh) to learn
// when a person has left the provider.
package oidcrp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is the [oidc] section of the server's configuration file
// (docs/SERVER.md names each key).
type Config struct {
	Issuer           string `toml:"issuer"`
	ClientID         string `toml:"client_id"`
	ClientSecret     string `toml:"-"`
	ClientSecretFile string `toml:"client_secret_file"`
	// Label is the sign-in button's words: "Sign in with <Label>".
	Label  string   `toml:"label"`
	Scopes []string `toml:"scopes"`
	// UsernameClaim names the account (default preferred_username);
	// GroupsClaim holds the person's groups (default groups).
	UsernameClaim string `toml:"username_claim"`
	GroupsClaim   string `toml:"groups_claim"`
	// AllowedGroups: only members may use the service (empty: everyone
	// the provider signs in); AdminGroups: members are administrators.
	AllowedGroups []string `toml:"allowed_groups"`
	AdminGroups   []string `toml:"admin_groups"`
	// HostedDomain, for Google: the ID token's hd claim must be this
	// domain (a Workspace account of the organisation). Google's advice is
	// to check hd, not the e-mail's suffix: a consumer account can carry
	// any address.
	HostedDomain string `toml:"hosted_domain"`
	// CheckRefresh asks the provider for a refresh token (scope
	// offline_access) at each sign-in; the server keeps it sealed and
	// uses it every SyncInterval (default 1 hour) to ask whether the
	// person may still sign in: a refusal (invalid_grant: they left, or
	// were disabled) disables their account and its device tokens, and
	// the groups of the new ID token re-read admin rights and allowed
	// groups. MaxDeactivateFraction (default 0.1) is the largest share of
	// these accounts one check may disable, as for [ldap].
	CheckRefresh          bool     `toml:"check_refresh"`
	SyncInterval          Duration `toml:"sync_interval"`
	MaxDeactivateFraction float64  `toml:"max_deactivate_fraction"`
	// RefreshKeyFile holds the key that seals the refresh tokens when
	// [keys] is not configured (made, 32 random bytes, at the first start
	// if missing); with [keys] they are sealed under the key-encryption
	// key instead.
	RefreshKeyFile string `toml:"refresh_key_file"`
}

// Duration is a time.Duration written as "1h" in the configuration file.
type Duration struct{ time.Duration }

// UnmarshalText reads "30m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (write e.g. \"30m\" or \"1h\")", b)
	}
	d.Duration = v
	return nil
}

// Defaults of the refresh check.
const (
	defaultSyncInterval = time.Hour
	defaultMaxFraction  = 0.1
)

// Check fills in defaults, reads the secret file and says in words what is
// wrong.
func (c *Config) Check() error {
	u, err := url.Parse(c.Issuer)
	if c.Issuer == "" || err != nil || u.Host == "" {
		return fmt.Errorf("[oidc] issuer %q is not an address (e.g. \"https://login.example.org\")", c.Issuer)
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("[oidc] issuer must be an https:// address, not %q", c.Issuer)
	}
	if c.ClientID == "" {
		return errors.New("[oidc] client_id is missing: the ID the identity provider gave the Cairn server")
	}
	if c.ClientSecretFile != "" {
		b, err := os.ReadFile(c.ClientSecretFile)
		if err != nil {
			return fmt.Errorf("[oidc] client_secret_file: %w", err)
		}
		c.ClientSecret = strings.TrimSpace(string(b))
	}
	if c.Label == "" {
		c.Label = u.Hostname()
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	if !slices.Contains(c.Scopes, oidc.ScopeOpenID) {
		c.Scopes = append([]string{oidc.ScopeOpenID}, c.Scopes...)
	}
	if c.UsernameClaim == "" {
		c.UsernameClaim = "preferred_username"
	}
	if c.GroupsClaim == "" {
		c.GroupsClaim = "groups"
	}
	return c.checkRefresh()
}

// checkRefresh fills in the refresh check's defaults and its scope.
func (c *Config) checkRefresh() error {
	if c.SyncInterval.Duration <= 0 {
		c.SyncInterval.Duration = defaultSyncInterval
	}
	if c.SyncInterval.Duration < time.Minute {
		return errors.New("[oidc] sync_interval must be at least 1m (e.g. \"1h\")")
	}
	if c.MaxDeactivateFraction <= 0 {
		c.MaxDeactivateFraction = defaultMaxFraction
	}
	if c.MaxDeactivateFraction > 1 {
		return errors.New("[oidc] max_deactivate_fraction is a share between 0 and 1 (e.g. 0.1)")
	}
	if c.CheckRefresh && !slices.Contains(c.Scopes, ScopeOfflineAccess) {
		c.Scopes = append(c.Scopes, ScopeOfflineAccess)
	}
	return nil
}

// ScopeOfflineAccess asks the provider for a refresh token.
const ScopeOfflineAccess = oidc.ScopeOfflineAccess

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Errors of Finish.
var (
	// ErrRefused: the provider said no, or what came back does not check
	// out (a forged or stale answer); the details go to the log.
	ErrRefused = errors.New("the sign-in at the organisation's identity provider did not succeed; try again")
	// ErrNotAllowed: signed in, but in none of the allowed groups.
	ErrNotAllowed = errors.New("your account is not allowed to use this backup service; ask your IT department")
	// ErrWrongDomain: the account is not one of HostedDomain (Google's hd
	// claim): a personal account, or another organisation's.
	// Both are a kind of ErrNotAllowed (errors.Is), so clients read the
	// reason not_allowed.
	ErrWrongDomain = notAllowed("this is not an account of your organisation's domain; sign in with your work account")
	// ErrGroupsOverage: the ID token names no groups but points elsewhere
	// for them (Entra ID does so for a person in more than 200 groups),
	// so whether they are in an allowed or admin group cannot be told.
	ErrGroupsOverage = notAllowed("the identity provider sent no groups for your account (it is in too many); " +
		"ask your IT department to send only the groups assigned to the application, or app roles " +
		"(Entra ID: Token configuration, \"Groups assigned to the application\")")
	// ErrRevoked: the provider no longer honours a refresh token
	// (invalid_grant): the person left, was disabled, or their sessions
	// were revoked.
	ErrRevoked = errors.New("the identity provider no longer lets this person sign in")
	// ErrUnreachable: the provider could not be asked; try again later.
	ErrUnreachable = errors.New("the identity provider cannot be reached")
)

// notAllowed is a refusal that is a kind of ErrNotAllowed, in its own
// words.
type notAllowed string

func (e notAllowed) Error() string        { return string(e) }
func (e notAllowed) Is(target error) bool { return target == ErrNotAllowed }

// Identity is who signed in.
type Identity struct {
	Issuer, Subject string // the permanent identity
	Name            string // from UsernameClaim
	Email           string
	DisplayName     string
	Groups          []string
	Admin           bool
	// RefreshToken is the provider's refresh token of this sign-in, when
	// CheckRefresh asked for one and the provider gave it: a secret, kept
	// only sealed and never logged.
	RefreshToken string `json:"-"`
}

// Key is the identity as the records keep it: issuer and subject.
func (i Identity) Key() string { return i.Issuer + " " + i.Subject }

// RP is a configured relying party. Safe for concurrent use.
type RP struct {
	c        Config
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	client   *http.Client
}

// New discovers the provider (its endpoints and keys) and returns the
// relying party; redirectURL is the server's callback, as registered at
// the provider. client (nil: a default with a timeout) reaches the
// provider.
func New(ctx context.Context, c Config, redirectURL string, client *http.Client) (*RP, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	ctx = oidc.ClientContext(ctx, client)
	p, err := oidc.NewProvider(ctx, c.Issuer)
	if err != nil {
		return nil, fmt.Errorf("[oidc] the identity provider %s cannot be reached or is not an OpenID Provider: %w", c.Issuer, err)
	}
	rp := &RP{c: c, provider: p, client: client,
		verifier: p.Verifier(&oidc.Config{ClientID: c.ClientID, SupportedSigningAlgs: []string{
			oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512, oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA}}),
		oauth: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: redirectURL, Scopes: c.Scopes}}
	return rp, nil
}

// Label is the sign-in button's words.
func (rp *RP) Label() string { return rp.c.Label }

// Pending is what the server keeps between sending a browser to the
// provider and its return: never sent to the browser but as state.
type Pending struct {
	State, Nonce, Verifier string
}

// NewPending makes the random values of one sign-in.
func NewPending() Pending {
	return Pending{State: oauth2.GenerateVerifier(), Nonce: oauth2.GenerateVerifier(), Verifier: oauth2.GenerateVerifier()}
}

// AuthURL is where the browser goes to sign in.
func (rp *RP) AuthURL(p Pending) string {
	return rp.oauth.AuthCodeURL(p.State, oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier))
}

// Finish exchanges the code the browser brought back for tokens, checks
// the ID token and returns the identity. The caller has matched the
// returned state to p (and used p once).
func (rp *RP) Finish(ctx context.Context, p Pending, code string) (Identity, error) {
	ctx = oidc.ClientContext(ctx, rp.client)
	tok, err := rp.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("%w (exchange the code: %v)", ErrRefused, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return Identity{}, fmt.Errorf("%w (no ID token in the provider's answer)", ErrRefused)
	}
	who, err := rp.Verify(ctx, raw, p.Nonce)
	if err == nil && rp.c.CheckRefresh {
		who.RefreshToken = tok.RefreshToken
	}
	return who, err
}

// CheckRefresh reports whether the configuration asks for refresh tokens.
func (rp *RP) CheckRefresh() bool { return rp.c.CheckRefresh }

// Refreshed is what a refresh tells about a person.
type Refreshed struct {
	// Identity is read from the new ID token; HasIdentity is false when
	// the provider sent none (then only "still allowed" is known).
	Identity    Identity
	HasIdentity bool
	// RefreshToken is the token to use next time: a new one when the
	// provider rotates them, else the one used.
	RefreshToken string `json:"-"`
}

// Refresh asks the provider whether the person of a refresh token may
// still sign in. ErrRevoked: no (invalid_grant); ErrUnreachable wraps any
// other failure; ErrNotAllowed, ErrWrongDomain and ErrGroupsOverage are
// what a new ID token says, with the identity read from it.
func (rp *RP) Refresh(ctx context.Context, refreshToken string) (Refreshed, error) {
	ctx = oidc.ClientContext(ctx, rp.client)
	tok, err := rp.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "unauthorized_client") {
		return Refreshed{}, fmt.Errorf("%w (%s)", ErrRevoked, re.ErrorCode)
	}
	if err != nil {
		return Refreshed{}, fmt.Errorf("%w (refresh: %v)", ErrUnreachable, err)
	}
	out := Refreshed{RefreshToken: tok.RefreshToken}
	if out.RefreshToken == "" {
		out.RefreshToken = refreshToken
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return out, nil
	}
	id, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return out, fmt.Errorf("%w (refreshed ID token: %v)", ErrUnreachable, err)
	}
	out.Identity, err = rp.identity(id)
	out.HasIdentity = err == nil || errors.Is(err, ErrNotAllowed)
	return out, err
}

// Verify checks a raw ID token (signature, issuer, audience, expiry and
// nonce) and reads the identity from it.
func (rp *RP) Verify(ctx context.Context, raw, nonce string) (Identity, error) {
	ctx = oidc.ClientContext(ctx, rp.client)
	id, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w (ID token: %v)", ErrRefused, err)
	}
	if nonce == "" || id.Nonce != nonce {
		return Identity{}, fmt.Errorf("%w (ID token: the nonce is not this sign-in's)", ErrRefused)
	}
	return rp.identity(id)
}

// identity reads a checked ID token: who, their groups, and whether they
// may use the service.
func (rp *RP) identity(id *oidc.IDToken) (Identity, error) {
	var claims map[string]any
	if err := id.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w (ID token claims: %v)", ErrRefused, err)
	}
	who := Identity{Issuer: id.Issuer, Subject: id.Subject, Name: claimString(claims, rp.c.UsernameClaim),
		Email: claimString(claims, "email"), DisplayName: claimString(claims, "name"),
		Groups: claimStrings(claims, rp.c.GroupsClaim)}
	if who.Subject == "" {
		return Identity{}, fmt.Errorf("%w (ID token without a subject)", ErrRefused)
	}
	if who.Name == "" {
		who.Name = who.Email
	}
	if rp.c.HostedDomain != "" && !strings.EqualFold(claimString(claims, "hd"), rp.c.HostedDomain) {
		return who, ErrWrongDomain
	}
	if rp.usesGroups() && groupsOverage(claims, rp.c.GroupsClaim) {
		return who, ErrGroupsOverage
	}
	who.Admin = intersects(who.Groups, rp.c.AdminGroups)
	if len(rp.c.AllowedGroups) > 0 && !intersects(who.Groups, rp.c.AllowedGroups) {
		return who, ErrNotAllowed
	}
	return who, nil
}

func (rp *RP) usesGroups() bool { return len(rp.c.AllowedGroups) > 0 || len(rp.c.AdminGroups) > 0 }

// groupsOverage reports Entra ID's groups overage: no groups claim, and
// _claim_names naming it (the groups are to be fetched from Graph).
func groupsOverage(claims map[string]any, name string) bool {
	if _, ok := claims[name]; ok {
		return false
	}
	names, _ := claims["_claim_names"].(map[string]any)
	_, ok := names[name]
	return ok
}

func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// claimStrings reads a claim that is a list of strings (or one string).
func claimStrings(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
