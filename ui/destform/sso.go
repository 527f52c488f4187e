package destform

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/ui/signon"
)

// typed asks the server how to sign in, a moment after the address or
// the fingerprint changed, without asking the person anything: a server
// whose certificate is not trusted yet is asked at the first Sign in.
func (s *serverFields) typed(f *Form) {
	if s.sso.Forget() {
		s.layout()
		f.relayout()
	}
	addr, _, ok := serverAddress(s.address.Text)
	if !ok {
		return
	}
	sign := device.ServerSignIn{URL: addr, Fingerprint: strings.TrimSpace(s.fingerprint.Text)}
	if sign.Fingerprint == "" {
		sign.Fingerprint = s.trustedFingerprint(addr)
	}
	s.sso.Ask(sign, f.deps.Engine.ServerMethods, f.deps.do, func(m remote.Methods) { s.showMethods(f, m) })
}

// showMethods shows the ways the server offers.
func (s *serverFields) showMethods(f *Form, m remote.Methods) {
	s.sso.Methods, s.sso.Known = m, true
	s.key.offerOrganisation(m.OrganisationKeys)
	if m.SSO && m.OrganisationKeys && s.key.mode() == device.KeyAccount {
		s.key.choose(device.KeyOrganisation) // with SSO: nothing to remember
	}
	if m.SSO && !m.Password && s.key.mode() == device.KeyAccount {
		s.key.choose(device.KeyPassword) // no account password to use
	}
	s.layout()
	f.relayout()
}

// askMethods is the try of a Sign in with neither user name nor password
// before the server said how to sign in: it trusts the certificate (asking
// the person when it is the server's own) and asks the server.
func (s *serverFields) askMethods(f *Form, addr, host string) job {
	sign := device.ServerSignIn{URL: addr, Fingerprint: strings.TrimSpace(s.fingerprint.Text)}
	var m remote.Methods
	run := func(ctx context.Context) (string, device.AddResult, error) {
		sign.ConfirmFingerprint = s.confirmer(ctx, f, addr, host)
		var err error
		m, _, err = f.deps.Engine.ServerMethods(ctx, sign)
		return "", device.AddResult{}, err
	}
	then := func() {
		s.showMethods(f, m)
		if !m.SSO {
			f.refuse(s.user, lang.L("Type your user name."))
		}
	}
	return job{doing: lang.L("Asking {{.Server}} how to sign in…", map[string]any{"Server": host}), run: run, then: then}
}

// signInSSO signs in with the organisation's account (the button).
func (s *serverFields) signInSSO(f *Form) {
	if f.Busy() {
		return
	}
	if j, ok := s.prepareSSO(f); ok {
		f.start(j)
	}
}

func (s *serverFields) prepareSSO(f *Form) (job, bool) {
	addr, host, ok := serverAddress(s.address.Text)
	if !ok {
		return f.refuse(s.address, lang.L("Type the server's address as your IT department gave it, like https://backup.example.org:8443."))
	}
	label := map[string]any{"Label": s.sso.Methods.SSOLabel}
	opts, newPw, ok := s.key.options()
	switch {
	case opts.Mode == device.KeyAccount:
		f.showProblem(lang.L("With {{.Label}} there is no account password to protect your backup. Under Archive key, choose a separate archive password or a key you keep.", label))
		return job{}, false
	case !ok:
		f.showProblem("")
		return job{}, false
	}
	sign := s.signIn(f, addr, host)
	sign.SSO = true
	signon.Hooks(&sign, f.deps.openURL, f.deps.do, f.busyText.SetText)
	return job{doing: lang.L("Signing in with {{.Label}} in your web browser…", label),
		run: s.adder(f, sign, opts, newPw, host), explain: keyProblem(opts.Mode)}, true
}
