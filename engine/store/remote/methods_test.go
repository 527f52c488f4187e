package remote

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A server older than GET /api/v1/signin/methods knows only passwords; a
// label is made printable (the server chose it); an SSO button with no
// label is named after the server.
func TestSignInMethodsOfOlderAndOddServers(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   Methods
	}{
		{404, `{"error":"no such endpoint","code":"not_found"}`, Methods{Password: true}},
		{200, `{"password":true,"sso":{"label":"Uni\u001b[31m"},"organisation_keys":false}`,
			Methods{Password: true, SSO: true, SSOLabel: `Uni\x1b[31m`}},
		{200, `{"password":false,"sso":{"label":""}}`, Methods{SSO: true, SSOLabel: "127.0.0.1"}},
	} {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		m, err := SignInMethods(context.Background(), srv.URL, Fingerprint(srv.Certificate().Raw))
		srv.Close()
		if err != nil || m != tc.want {
			t.Errorf("%s: %+v %v, want %+v", tc.body, m, err, tc.want)
		}
	}
}
