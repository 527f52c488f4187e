package testservers

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// OIDCProvider is a real OpenID Provider for tests, built on zitadel/oidc's
// op package (authorization code flow with PKCE, discovery, JWKS, signed ID
// tokens), on 127.0.0.1. It knows one confidential client, as an
// organisation's IdP knows the Cairn server, and people who sign in on its
// own login page with a name and a password (a test's "browser" fills it
// in: see Browser).
type OIDCProvider struct {
	// Issuer is http://127.0.0.1:PORT; ClientID and ClientSecret the one
	// client's credentials.
	Issuer, ClientID, ClientSecret string

	st  *opStorage
	srv *http.Server
}

// OIDCUser is a person of the test provider.
type OIDCUser struct {
	Subject, Name, Password, Email string
	Groups                         []string
	// HostedDomain, when set, is the ID token's hd claim (Google
	// Workspace's domain of the account).
	HostedDomain string
	// GroupsOverage sends the groups as Entra ID does for a person in more
	// than 200: no groups claim, a _claim_names.groups reference instead.
	GroupsOverage bool
}

// StartOIDC starts a provider whose client may redirect only to
// redirectURIs (exactly, as IdPs require). It stops when t ends.
func StartOIDC(t testing.TB, redirectURIs ...string) *OIDCProvider {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &OIDCProvider{Issuer: "http://" + l.Addr().String(), ClientID: "cairn", ClientSecret: randomHex(16)}
	p.st = &opStorage{key: key, keyID: randomHex(8), users: map[string]*OIDCUser{},
		requests: map[string]*opRequest{}, codes: map[string]string{}, refresh: map[string]*opRefresh{},
		client: &opClient{id: p.ClientID, secret: p.ClientSecret, redirects: redirectURIs}}
	var cryptoKey [32]byte
	rand.Read(cryptoKey[:])
	provider, err := op.NewOpenIDProvider(p.Issuer, &op.Config{CryptoKey: cryptoKey, CodeMethodS256: true,
		AuthMethodPost: true, GrantTypeRefreshToken: true,
		SupportedScopes: []string{"openid", "profile", "email", "groups", "offline_access"}},
		p.st, op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	p.st.callback = op.AuthCallbackURL(provider)
	mux := http.NewServeMux()
	mux.HandleFunc("/login", p.st.login)
	mux.Handle("/", provider)
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 30 * time.Second}
	go p.srv.Serve(l)
	t.Cleanup(func() { p.srv.Close() })
	return p
}

// AddUser adds a person; their subject is random, as an IdP's is.
func (p *OIDCProvider) AddUser(name, password string, groups ...string) OIDCUser {
	u := &OIDCUser{Subject: randomHex(12), Name: name, Password: password, Email: name + "@example.org", Groups: groups}
	p.st.mu.Lock()
	p.st.users[name] = u
	p.st.mu.Unlock()
	return *u
}

// SetGroups replaces a person's groups (as IT moving them would).
func (p *OIDCProvider) SetGroups(name string, groups ...string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.users[name].Groups = groups
}

// SetHostedDomain sets the hd claim of a person's ID tokens ("" leaves it
// out).
func (p *OIDCProvider) SetHostedDomain(name, domain string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.users[name].HostedDomain = domain
}

// SetGroupsOverage makes a person's ID tokens carry Entra ID's groups
// overage (_claim_names.groups, no groups claim) instead of their groups.
func (p *OIDCProvider) SetGroupsOverage(name string, on bool) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.users[name].GroupsOverage = on
}

// RemoveUser deletes a person, as IT does when they leave: their refresh
// tokens stop working (invalid_grant) and they can no longer sign in.
func (p *OIDCProvider) RemoveUser(name string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	u := p.st.users[name]
	delete(p.st.users, name)
	if u != nil {
		p.st.revokeSubject(u.Subject)
	}
}

// RevokeRefreshTokens ends a person's refresh tokens (as disabling them
// at the provider or an administrator's "revoke sessions" does) and
// reports how many there were; the person can still sign in again.
func (p *OIDCProvider) RevokeRefreshTokens(name string) int {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	if u := p.st.users[name]; u != nil {
		return p.st.revokeSubject(u.Subject)
	}
	return 0
}

// RefreshTokens counts the refresh tokens the provider holds that work.
func (p *OIDCProvider) RefreshTokens() int {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	return len(p.st.refresh)
}

// SetRedirectURIs replaces the client's registered redirect URIs.
func (p *OIDCProvider) SetRedirectURIs(uris ...string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.client.redirects = uris
}

// SigningKey is the provider's private key, for tests that forge tokens
// with it (a wrong audience, nonce or expiry, signed by the real key).
func (p *OIDCProvider) SigningKey() (*rsa.PrivateKey, string) { return p.st.key, p.st.keyID }

var loginPage = template.Must(template.New("login").Parse(`<!doctype html><title>Example University sign-in</title>
<form method="post" action="/login"><input type="hidden" name="id" value="{{.ID}}">
<input name="username"><input name="password" type="password"><button>Sign in</button>{{.Error}}</form>`))

// login is the provider's own sign-in page (where MFA would also be).
func (s *opStorage) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
		return
	}
	id := r.PostFormValue("id")
	s.mu.Lock()
	req, ok := s.requests[id]
	u, known := s.users[r.PostFormValue("username")]
	good := ok && known && u.Password == r.PostFormValue("password")
	if good {
		req.subject, req.done, req.authTime = u.Subject, true, time.Now()
	}
	s.mu.Unlock()
	if !good {
		w.WriteHeader(http.StatusUnauthorized)
		loginPage.Execute(w, map[string]string{"ID": id, "Error": "wrong user name or password"})
		return
	}
	http.Redirect(w, r, s.callback(r.Context(), id), http.StatusFound)
}

// opStorage is the provider's state, in memory.
type opStorage struct {
	mu       sync.Mutex
	key      *rsa.PrivateKey
	keyID    string
	users    map[string]*OIDCUser // by name
	requests map[string]*opRequest
	codes    map[string]string     // code → request ID
	refresh  map[string]*opRefresh // refresh token → what it grants
	client   *opClient
	callback func(context.Context, string) string
}

func (s *opStorage) userBySubject(sub string) *OIDCUser {
	for _, u := range s.users {
		if u.Subject == sub {
			return u
		}
	}
	return nil
}

func (s *opStorage) CreateAuthRequest(_ context.Context, ar *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := &opRequest{id: randomHex(16), ar: *ar}
	s.requests[req.id] = req
	return req, nil
}

func (s *opStorage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.requests[id]; ok {
		return r, nil
	}
	return nil, errors.New("no such request")
}

func (s *opStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("code invalid or used")
	}
	return s.AuthRequestByID(ctx, id)
}

func (s *opStorage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

func (s *opStorage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for c, rid := range s.codes {
		if rid == id {
			delete(s.codes, c)
		}
	}
	return nil
}

func (s *opStorage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return randomHex(16), time.Now().Add(5 * time.Minute), nil
}

// CreateAccessAndRefreshTokens issues a refresh token with the access
// token (offline_access asked for), and rotates: a refresh token used
// once is replaced by a new one, as Entra ID and Okta do.
func (s *opStorage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	r := &opRefresh{subject: req.GetSubject(), scopes: slices.Clone(req.GetScopes()), audience: req.GetAudience()}
	if ir, ok := req.(op.IDTokenRequest); ok {
		r.clientID, r.authTime, r.amr = ir.GetClientID(), ir.GetAuthTime(), ir.GetAMR()
	}
	token := randomHex(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userBySubject(r.subject) == nil {
		return "", "", time.Time{}, op.ErrInvalidRefreshToken
	}
	if current != "" {
		delete(s.refresh, current)
	}
	s.refresh[token] = r
	return randomHex(16), token, time.Now().Add(5 * time.Minute), nil
}

// TokenRequestByRefreshToken finds what a refresh token grants; a removed
// person's or a revoked token is invalid_grant.
func (s *opStorage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refresh[token]
	if !ok || s.userBySubject(r.subject) == nil {
		return nil, op.ErrInvalidRefreshToken
	}
	c := *r
	return &c, nil
}

// revokeSubject ends a subject's refresh tokens; s.mu is held.
func (s *opStorage) revokeSubject(subject string) int {
	n := 0
	for t, r := range s.refresh {
		if r.subject == subject {
			delete(s.refresh, t)
			n++
		}
	}
	return n
}

func (s *opStorage) TerminateSession(context.Context, string, string) error { return nil }

func (s *opStorage) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (s *opStorage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *opStorage) SigningKey(context.Context) (op.SigningKey, error) { return opKey{s}, nil }

func (s *opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *opStorage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{opPublicKey{s}}, nil }

func (s *opStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.client.id {
		return nil, errors.New("no such client")
	}
	c := *s.client
	return &c, nil
}

func (s *opStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.client.id || sha256.Sum256([]byte(secret)) != sha256.Sum256([]byte(s.client.secret)) {
		return errors.New("wrong client credentials")
	}
	return nil
}

func (s *opStorage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest puts the person's claims in the ID token.
func (s *opStorage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.userinfo(info, req.GetSubject(), scopes)
}

func (s *opStorage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, _, subject, _ string) error {
	return s.userinfo(info, subject, []string{"openid", "profile", "email", "groups"})
}

func (s *opStorage) userinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userBySubject(subject)
	if u == nil {
		return fmt.Errorf("no person %s", subject)
	}
	info.Subject = u.Subject
	if slices.Contains(scopes, "profile") {
		info.PreferredUsername, info.Name = u.Name, u.Name
	}
	if slices.Contains(scopes, "email") {
		info.Email, info.EmailVerified = u.Email, true
	}
	if slices.Contains(scopes, "groups") && u.GroupsOverage {
		info.AppendClaims("_claim_names", map[string]any{"groups": "src1"})
		info.AppendClaims("_claim_sources", map[string]any{"src1": map[string]any{
			"endpoint": "https://graph.microsoft.com/v1.0/users/" + u.Subject + "/getMemberObjects"}})
	} else if slices.Contains(scopes, "groups") {
		info.AppendClaims("groups", slices.Clone(u.Groups))
	}
	if u.HostedDomain != "" {
		info.AppendClaims("hd", u.HostedDomain)
	}
	return nil
}

func (s *opStorage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("no introspection here")
}

func (s *opStorage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *opStorage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no client keys here")
}

func (s *opStorage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("no JWT profile here")
}

func (s *opStorage) Health(context.Context) error { return nil }

// opKey is the provider's RSA signing key; opPublicKey its public half,
// which the key set (JWKS) publishes.
type opKey struct{ s *opStorage }

func (k opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k opKey) ID() string                                  { return k.s.keyID }
func (k opKey) Key() any                                    { return k.s.key }

type opPublicKey struct{ s *opStorage }

func (k opPublicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k opPublicKey) ID() string                         { return k.s.keyID }
func (k opPublicKey) Use() string                        { return "sig" }
func (k opPublicKey) Key() any                           { return &k.s.key.PublicKey }

// opRequest is one authorization request.
type opRequest struct {
	id       string
	ar       oidc.AuthRequest
	subject  string
	done     bool
	authTime time.Time
}

func (r *opRequest) GetID() string          { return r.id }
func (r *opRequest) GetACR() string         { return "" }
func (r *opRequest) GetAMR() []string       { return []string{"pwd"} }
func (r *opRequest) GetAudience() []string  { return []string{r.ar.ClientID} }
func (r *opRequest) GetAuthTime() time.Time { return r.authTime }
func (r *opRequest) GetClientID() string    { return r.ar.ClientID }
func (r *opRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if r.ar.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: r.ar.CodeChallenge, Method: r.ar.CodeChallengeMethod}
}
func (r *opRequest) GetNonce() string                   { return r.ar.Nonce }
func (r *opRequest) GetRedirectURI() string             { return r.ar.RedirectURI }
func (r *opRequest) GetResponseType() oidc.ResponseType { return r.ar.ResponseType }
func (r *opRequest) GetResponseMode() oidc.ResponseMode { return r.ar.ResponseMode }
func (r *opRequest) GetScopes() []string                { return r.ar.Scopes }
func (r *opRequest) GetState() string                   { return r.ar.State }
func (r *opRequest) GetSubject() string                 { return r.subject }
func (r *opRequest) Done() bool                         { return r.done }

// opRefresh is what one refresh token grants: the sign-in it came from.
type opRefresh struct {
	subject, clientID string
	scopes, audience  []string
	amr               []string
	authTime          time.Time
}

func (r *opRefresh) GetAMR() []string                 { return r.amr }
func (r *opRefresh) GetAudience() []string            { return r.audience }
func (r *opRefresh) GetAuthTime() time.Time           { return r.authTime }
func (r *opRefresh) GetClientID() string              { return r.clientID }
func (r *opRefresh) GetScopes() []string              { return r.scopes }
func (r *opRefresh) GetSubject() string               { return r.subject }
func (r *opRefresh) SetCurrentScopes(scopes []string) { r.scopes = scopes }

// opClient is the Cairn server as the provider knows it: a confidential
// web client with exact redirect URIs.
type opClient struct {
	id, secret string
	redirects  []string
}

func (c *opClient) GetID() string                    { return c.id }
func (c *opClient) RedirectURIs() []string           { return c.redirects }
func (c *opClient) PostLogoutRedirectURIs() []string { return nil }
func (c *opClient) ApplicationType() op.ApplicationType {
	return op.ApplicationTypeWeb
}
func (c *opClient) AuthMethod() oidc.AuthMethod { return oidc.AuthMethodBasic }
func (c *opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *opClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *opClient) LoginURL(id string) string { return "/login?authRequestID=" + id }
func (c *opClient) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeBearer
}
func (c *opClient) IDTokenLifetime() time.Duration { return 5 * time.Minute }
func (c *opClient) DevMode() bool                  { return false }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) IsScopeAllowed(string) bool           { return true }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
