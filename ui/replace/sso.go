package replace

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// signOn is the first page's single sign-on: what the server at the
// address typed offers, asked as soon as the address is typed (and its
// certificate is trusted), and the "Sign in with <organisation>" button
// when it offers that. As in the server form (ui/destform/sso.go).
type signOn struct {
	button *widget.Button
	gen    atomic.Int64 // of the latest lookup: an older answer is dropped
	// methods are what the server at the address typed offers; known is
	// false until it answered. Both only on the UI thread.
	methods remote.Methods
	known   bool
}

// lookupDelay lets the person finish typing before the server is asked.
const lookupDelay = 600 * time.Millisecond

// offered says whether the server typed offers single sign-on.
func (o *signOn) offered() bool { return o.known && o.methods.SSO }

// item is the form's row with the button, and what it does in words.
func (o *signOn) item() *widget.FormItem {
	label := map[string]any{"Label": o.methods.SSOLabel}
	o.button.SetText(lang.L("Sign in with {{.Label}}", label))
	hint := lang.L("In your web browser, with your account at {{.Label}}.", label)
	if o.methods.Password {
		hint = lang.L("In your web browser, with your account at {{.Label}}. Or type a user name and password below.", label)
	}
	return &widget.FormItem{Widget: o.button, HintText: hint}
}

// typed asks the server how to sign in, a moment after the address or
// the fingerprint changed, without asking the person anything: a server
// whose certificate is not trusted yet is asked at the first Next.
func (p *wherePage) typed() {
	gen := p.sso.gen.Add(1)
	if p.sso.known {
		p.sso.known = false
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
	eng := p.s.deps.Engine
	time.AfterFunc(lookupDelay, func() {
		if p.sso.gen.Load() != gen {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if m, _, err := eng.ServerMethods(ctx, sign); err == nil {
			p.s.deps.do(func() {
				if p.sso.gen.Load() == gen {
					p.showMethods(m)
				}
			})
		}
	})
}

// showMethods shows the ways the server offers.
func (p *wherePage) showMethods(m remote.Methods) {
	p.sso.methods, p.sso.known = m, true
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
	label := map[string]any{"Label": p.sso.methods.SSOLabel}
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
	sign.OpenBrowser = func(address string) error {
		u, err := url.Parse(address)
		if err != nil {
			return err
		}
		return s.deps.openURL(u)
	}
	sign.ShowDeviceCode = func(c remote.DeviceCode) {
		s.deps.do(func() {
			s.busyText.SetText(lang.L("On your phone or another computer, open {{.Address}} and type the code {{.Code}}.",
				map[string]any{"Address": c.VerificationURI, "Code": c.UserCode}))
		})
	}
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
