package testservers_test

import (
	"context"
	"net"
	"net/http"
	"slices"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cairnbackup/cairn/internal/testservers"
)

// The test provider works with the libraries the Cairn server uses as a
// relying party: code flow with PKCE, a nonce, a verified ID token with the
// person's groups.
func TestOIDCProviderCodeFlow(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + l.Addr().String() + "/callback"
	p := testservers.StartOIDC(t, redirect)
	ada := p.AddUser("ada", "ada-pw", "backup-users")
	provider, err := oidc.NewProvider(ctx, p.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: provider.Endpoint(),
		RedirectURL: redirect, Scopes: []string{oidc.ScopeOpenID, "profile", "groups"}}
	verifier, nonce := oauth2.GenerateVerifier(), "nonce-1"
	got := make(chan *oidc.IDToken, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := conf.Exchange(r.Context(), r.URL.Query().Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		id, err := provider.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(r.Context(), raw)
		if err != nil || id.Nonce != nonce || r.URL.Query().Get("state") != "state-1" {
			http.Error(w, "bad token", http.StatusForbidden)
			return
		}
		got <- id
		w.Write([]byte("signed in"))
	})}
	go srv.Serve(l)
	defer srv.Close()

	start := conf.AuthCodeURL("state-1", oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	page, err := testservers.NewBrowser().SignIn(p, start, "ada", "wrong")
	if err != nil || page.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong password: %v, %+v", err, page)
	}
	page, err = testservers.NewBrowser().SignIn(p, start, "ada", "ada-pw")
	if err != nil || page.Body != "signed in" {
		t.Fatalf("sign-in: %v, %+v", err, page)
	}
	id := <-got
	var claims struct {
		Name   string   `json:"preferred_username"`
		Groups []string `json:"groups"`
	}
	if err := id.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if id.Subject != ada.Subject || claims.Name != "ada" || !slices.Contains(claims.Groups, "backup-users") {
		t.Errorf("ID token: sub %q, claims %+v", id.Subject, claims)
	}
	// Redirect URIs are exact.
	conf.RedirectURL = redirect + "x"
	page, err = testservers.NewBrowser().Get(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
	if err == nil && page.URL.Path == "/login" {
		t.Errorf("an unregistered redirect URI reached the sign-in page")
	}
}
