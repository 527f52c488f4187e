// Package oidcrp is the Cairn server as an OpenID Connect relying party:
// the one client the organisation's identity provider knows. It brokers
// sign-in for the server's own desktop clients and web pages, so IT
// registers one redirect URI.
//
// Everything that checks a token is coreos/go-oidc and golang.org/x/oauth2:
// the authorization code flow with PKCE (S256), a state and a nonce per
// sign-in; the ID token's signature (against the provider's published
// keys, never "none"), issuer, audience, expiry and nonce. A person is
// known by issuer and subject, never by e-mail alone.
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
}

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
	return nil
}

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
)

// Identity is who signed in.
type Identity struct {
	Issuer, Subject string // the permanent identity
	Name            string // from UsernameClaim
	Email           string
	DisplayName     string
	Groups          []string
	Admin           bool
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
	return rp.Verify(ctx, raw, p.Nonce)
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
	who.Admin = intersects(who.Groups, rp.c.AdminGroups)
	if len(rp.c.AllowedGroups) > 0 && !intersects(who.Groups, rp.c.AllowedGroups) {
		return who, ErrNotAllowed
	}
	return who, nil
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
