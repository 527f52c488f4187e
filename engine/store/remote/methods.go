package remote

import (
	"context"
	"errors"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/printable"
)

// Methods are the ways a server lets people sign in, for a client to show
// only those: the password form, a "Sign in with <SSOLabel>" button, or
// both.
type Methods struct {
	// Password: the server checks user names and passwords.
	Password bool
	// SSO: the server offers single sign-on through the organisation's
	// identity provider (SignInSSO, SignInDevice); SSOLabel names it.
	SSO      bool
	SSOLabel string
	// OrganisationKeys: the server can hold archive keys for the
	// organisation (a person signed in by SSO has no account password to
	// protect theirs).
	OrganisationKeys bool
}

// maxLabel bounds the SSO button's words, in runes: an organisation's
// name fits, a hostile server cannot fill the window.
const maxLabel = 80

// SignInMethods asks a server how people sign in to it (GET
// /api/v1/signin/methods, no token needed). A server older than that
// question knows only passwords, and is answered so.
func SignInMethods(ctx context.Context, serverURL, fingerprint string) (Methods, error) {
	c, err := newClient(serverURL, fingerprint, "")
	if err != nil {
		return Methods{}, err
	}
	var out struct {
		Password bool `json:"password"`
		SSO      *struct {
			Label string `json:"label"`
		} `json:"sso"`
		OrganisationKeys bool `json:"organisation_keys"`
	}
	err = c.getJSON(ctx, c.url("api", "v1", "signin", "methods"), &out)
	if errors.Is(err, engine.ErrNotFound) {
		return Methods{Password: true}, nil
	}
	if err != nil {
		return Methods{}, err
	}
	m := Methods{Password: out.Password, OrganisationKeys: out.OrganisationKeys}
	if out.SSO != nil {
		m.SSO, m.SSOLabel = true, printable.String(out.SSO.Label, maxLabel)
	}
	if m.SSO && m.SSOLabel == "" {
		m.SSOLabel = c.base.Hostname()
	}
	return m, nil
}
