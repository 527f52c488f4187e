package server

import "net/http"

// signinMethods is the answer of GET /api/v1/signin/methods: the ways a
// person can sign in to this server, so that a client shows only those
// (a password form, a "Sign in with <Label>" button, or both), and
// whether the organisation can hold archive keys.
type signinMethods struct {
	// Password: the server checks passwords (local accounts, and the
	// directory's when [ldap] is set). Always true for now: local
	// accounts stay for the administrators' break-glass sign-in.
	Password bool `json:"password"`
	// SSO is the single sign-on button, or null when the server has none.
	SSO *ssoMethod `json:"sso"`
	// OrganisationKeys: the server holds a key-encryption key ([keys]),
	// so a person may let the organisation hold their archive key.
	OrganisationKeys bool `json:"organisation_keys"`
}

type ssoMethod struct {
	// Label is the button's words: "Sign in with <Label>".
	Label string `json:"label"`
}

// methods answers GET /api/v1/signin/methods. It needs no token: a
// client asks before anyone has signed in.
func (s *Server) methods(w http.ResponseWriter, r *http.Request) {
	out := signinMethods{Password: true, OrganisationKeys: s.o.KEK != nil}
	if s.o.SSO != nil {
		out.SSO = &ssoMethod{Label: s.o.SSOLabel}
	}
	writeJSON(w, http.StatusOK, out)
}
