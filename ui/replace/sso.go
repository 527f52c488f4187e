package replace

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
// whose certificate is not trusted yet is asked at the first Next.
func (p *wherePage) typed() {
	if p.sso.Forget() {
		p.layout()
	}
	addr, _, ok := serverAddress(p.address.Text)
	if !ok {
		return
	}
	sign := device.ServerSignIn{URL: addr, Fingerprint: strings.TrimSpace(p.fp.Text)}
	if sign.Fingerprint == "" {
		sign.Fingerprint = p.trustedFingerprint(addr)
	}
	p.sso.Ask(sign, p.s.deps.Engine.ServerMethods, p.s.deps.do, p.showMethods)
}

// showMethods shows the ways the server offers.
func (p *wherePage) showMethods(m remote.Methods) {
	p.sso.Methods, p.sso.Known = m, true
	p.layout()
}

// askMethods is a Next with neither user name nor password before the
// server said how to sign in: it trusts the certificate (asking the
// person when it is the server's own) and asks the server; a server with
// single sign-on then shows its button, one without asks for the user
// name.
func (p *wherePage) askMethods(addr, host string) {
	sign := device.ServerSignIn{URL: addr, Fingerprint: strings.TrimSpace(p.fp.Text)}
	if sign.Fingerprint == "" {
		sign.Fingerprint = p.trustedFingerprint(addr)
	}
	eng := p.s.deps.Engine
	p.s.run(lang.L("Asking {{.Server}} how to sign in…", map[string]any{"Server": host}), func(ctx context.Context) func() {
		sign.ConfirmFingerprint = p.confirmer(ctx, addr, host)
		m, _, err := eng.ServerMethods(ctx, sign)
		return func() {
			if err != nil {
				setProblem(p.problem, problem(err))
				return
			}
			p.showMethods(m)
			if !m.SSO {
				p.refuse(p.user, lang.L("Type your user name."))
			}
		}
	})
}

// signInSSO signs in with the organisation's account (the button, or
// Next with nothing typed): once, in the browser or by a code on another
// device; the account's computers are listed on the next page, and
// nothing is registered until one is chosen there.
func (p *wherePage) signInSSO() {
	if p.s.job != nil {
		return
	}
	addr, host, ok := serverAddress(p.address.Text)
	if !ok {
		p.refuse(p.address, lang.L("Type the server's address as your IT department gave it, like https://backup.example.org:8443."))
		return
	}
	setProblem(p.problem, "")
	acct := &account{host: host, sso: true,
		sign: device.ServerSignIn{Name: uniqueName(host, p.s.deps.Engine.Config()), URL: addr,
			Fingerprint: strings.TrimSpace(p.fp.Text), Device: strings.TrimSpace(p.name.Text), SSO: true}}
	if acct.sign.Fingerprint == "" {
		acct.sign.Fingerprint = p.trustedFingerprint(addr)
	}
	eng := p.s.deps.Engine
	label := map[string]any{"Label": p.sso.Methods.SSOLabel}
	p.s.run(lang.L("Signing in with {{.Label}} in your web browser…", label), func(ctx context.Context) func() {
		sign := acct.sign
		p.s.ssoHooks(&sign)
		sign.ConfirmFingerprint = p.confirmer(ctx, addr, host)
		devs, fp, err := eng.AccountDevices(ctx, sign)
		return func() {
			if err != nil {
				setProblem(p.problem, problem(err))
				return
			}
			acct.sign.Fingerprint, acct.devices = fp, devs
			p.s.showPickServer(acct)
		}
	})
}

// ssoHooks lets a single sign-on open the browser, and show the code to
// type on another device when none opens.
func (s *Screen) ssoHooks(sign *device.ServerSignIn) {
	signon.Hooks(sign, s.deps.openURL, s.deps.do, s.busyText.SetText)
}

// confirmer asks the person to trust a self-signed server's certificate,
// and remembers the answer for the next sign-in.
func (p *wherePage) confirmer(ctx context.Context, addr, host string) func(string) (bool, error) {
	return func(fp string) (bool, error) {
		ok, err := p.s.confirmFingerprint(ctx, host, fp)
		if ok && err == nil {
			p.trust(addr, fp)
		}
		return ok, err
	}
}
