package server

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// A server with passwords only says so, without a token.
func TestSigninMethodsOfAPasswordServer(t *testing.T) {
	s := newTestServer(t)
	r := s.do("GET", "/api/v1/signin/methods", "", nil)
	expect(t, r, http.StatusOK, "")
	if got := string(r.body); got != `{"password":true,"sso":null,"organisation_keys":false}`+"\n" {
		t.Errorf("answer %s", got)
	}
	m, err := remote.SignInMethods(t.Context(), s.ts.URL, remote.Fingerprint(s.ts.Certificate().Raw))
	if err != nil || m != (remote.Methods{Password: true}) {
		t.Errorf("SignInMethods = %+v, %v", m, err)
	}
}

// With single sign-on and a key-encryption key, the client learns the
// button's words and that the organisation can hold archive keys.
func TestSigninMethodsOfAnSSOServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, func(o *Options) {
		o.SSO = func(ssobroker.Accounts) http.Handler { return http.NotFoundHandler() }
		o.SSOLabel = "Example University"
		o.KEK = ring
	})
	m, err := remote.SignInMethods(t.Context(), s.ts.URL, remote.Fingerprint(s.ts.Certificate().Raw))
	want := remote.Methods{Password: true, SSO: true, SSOLabel: "Example University", OrganisationKeys: true}
	if err != nil || m != want {
		t.Errorf("SignInMethods = %+v, %v; want %+v", m, err, want)
	}
	// The pinned certificate is checked as for every request.
	if _, err := remote.SignInMethods(t.Context(), s.ts.URL, remote.Fingerprint([]byte("another"))); err == nil {
		t.Error("answered through a certificate that is not the pinned one")
	}
}
