package oidcrp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/internal/testservers"
)

// world is a provider and the relying party's callback on 127.0.0.1.
type world struct {
	p        *testservers.OIDCProvider
	rp       *oidcrp.RP
	callback string
	codes    chan [2]string // code, state
}

func newWorld(t *testing.T, edit func(*oidcrp.Config)) *world {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{callback: "http://" + l.Addr().String() + "/sso/callback", codes: make(chan [2]string, 4)}
	w.p = testservers.StartOIDC(t, w.callback)
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.codes <- [2]string{r.URL.Query().Get("code"), r.URL.Query().Get("state")}
		rw.Write([]byte("back at Cairn"))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	cfg := oidcrp.Config{Issuer: w.p.Issuer, ClientID: w.p.ClientID, ClientSecret: w.p.ClientSecret,
		Label: "Example University", Scopes: []string{"openid", "profile", "email", "groups"},
		AllowedGroups: []string{"backup-users"}, AdminGroups: []string{"backup-admins"}}
	if edit != nil {
		edit(&cfg)
	}
	w.rp, err = oidcrp.New(context.Background(), cfg, w.callback, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// signIn runs the whole flow in a browser and returns what Finish says.
func (w *world) signIn(t *testing.T, user, password string) (oidcrp.Identity, error) {
	t.Helper()
	pending := oidcrp.NewPending()
	page, err := testservers.NewBrowser().SignIn(w.p, w.rp.AuthURL(pending), user, password)
	if err != nil || page.Body != "back at Cairn" {
		t.Fatalf("browser: %v, %+v", err, page)
	}
	got := <-w.codes
	if got[1] != pending.State {
		t.Fatalf("state %q came back for %q", got[1], pending.State)
	}
	return w.rp.Finish(context.Background(), pending, got[0])
}

func TestSignInThroughTheProvider(t *testing.T) {
	w := newWorld(t, nil)
	ada := w.p.AddUser("ada", "ada-pw", "backup-users", "backup-admins")
	who, err := w.signIn(t, "ada", "ada-pw")
	if err != nil {
		t.Fatal(err)
	}
	if who.Subject != ada.Subject || who.Issuer != w.p.Issuer || who.Name != "ada" || !who.Admin ||
		who.Email != "ada@example.org" {
		t.Errorf("identity = %+v", who)
	}
	w.p.AddUser("eve", "eve-pw", "students")
	if _, err := w.signIn(t, "eve", "eve-pw"); !errors.Is(err, oidcrp.ErrNotAllowed) {
		t.Errorf("eve, in no allowed group: %v", err)
	}
}

func TestCodeIsBoundToItsVerifierAndUsedOnce(t *testing.T) {
	w := newWorld(t, nil)
	w.p.AddUser("ada", "ada-pw", "backup-users")
	pending := oidcrp.NewPending()
	if _, err := testservers.NewBrowser().SignIn(w.p, w.rp.AuthURL(pending), "ada", "ada-pw"); err != nil {
		t.Fatal(err)
	}
	code := (<-w.codes)[0]
	other := oidcrp.NewPending()
	other.Nonce = pending.Nonce
	if _, err := w.rp.Finish(context.Background(), other, code); !errors.Is(err, oidcrp.ErrRefused) {
		t.Errorf("a code with another PKCE verifier: %v", err)
	}
	// A stolen code replayed with the right verifier after the provider
	// has seen it fail once is still refused (the provider deleted it)
	// or, if not, the nonce of another sign-in is.
	stale := pending
	stale.Nonce = "someone else's"
	if _, err := w.rp.Finish(context.Background(), stale, code); !errors.Is(err, oidcrp.ErrRefused) {
		t.Errorf("a code with another sign-in's nonce: %v", err)
	}
}

// forge signs claims as the provider would, with edits, and checks Verify
// refuses each.
func TestForgedTokensAreRefused(t *testing.T) {
	w := newWorld(t, nil)
	ada := w.p.AddUser("ada", "ada-pw", "backup-users")
	key, kid := w.p.SigningKey()
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	now := time.Now()
	good := func() map[string]any {
		return map[string]any{"iss": w.p.Issuer, "sub": ada.Subject, "aud": w.p.ClientID, "nonce": "n1",
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "preferred_username": "ada",
			"groups": []string{"backup-users"}}
	}
	sign := func(k *rsa.PrivateKey, claims map[string]any) string {
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k},
			(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(claims)
		obj, err := signer.Sign(payload)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := obj.CompactSerialize()
		return s
	}
	if _, err := w.rp.Verify(context.Background(), sign(key, good()), "n1"); err != nil {
		t.Fatalf("the provider's own token: %v", err)
	}
	edit := func(k string, v any) map[string]any { c := good(); c[k] = v; return c }
	unsigned := func(claims map[string]any) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
		p, _ := json.Marshal(claims)
		return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
	}
	for name, tok := range map[string]string{
		"wrong issuer":    sign(key, edit("iss", "https://evil.example")),
		"wrong audience":  sign(key, edit("aud", "someone-else")),
		"expired":         sign(key, edit("exp", now.Add(-time.Hour).Unix())),
		"another key":     sign(other, good()),
		"alg none":        unsigned(good()),
		"no subject":      sign(key, edit("sub", "")),
		"wrong nonce":     sign(key, edit("nonce", "n2")),
		"not a token":     "eyJhbGciOiJSUzI1NiJ9.e30.AAAA",
		"empty":           "",
		"nonce left out":  sign(key, edit("nonce", nil)),
		"audience a list": sign(key, edit("aud", []string{"someone-else", "another"})),
	} {
		if _, err := w.rp.Verify(context.Background(), tok, "n1"); !errors.Is(err, oidcrp.ErrRefused) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestConfigChecks(t *testing.T) {
	for name, c := range map[string]oidcrp.Config{
		"no issuer":      {ClientID: "cairn"},
		"plain http":     {Issuer: "http://login.example.org", ClientID: "cairn"},
		"no client id":   {Issuer: "https://login.example.org"},
		"secret missing": {Issuer: "https://login.example.org", ClientID: "c", ClientSecretFile: "/nonexistent"},
	} {
		if err := c.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c := oidcrp.Config{Issuer: "https://login.example.org", ClientID: "cairn", Scopes: []string{"profile"}}
	if err := c.Check(); err != nil || c.Scopes[0] != "openid" || c.Label != "login.example.org" {
		t.Errorf("defaults: %v %+v", err, c)
	}
}
