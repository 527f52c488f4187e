package destform

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

// signOn is the server form's single sign-on: what the server offers,
// asked as soon as its address is typed (and its certificate is trusted),
// and the "Sign in with <organisation>" button when it offers that.
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
// whose certificate is not trusted yet is asked at the first Sign in.
func (s *serverFields) typed(f *Form) {
	gen := s.sso.gen.Add(1)
	if s.sso.known {
		s.sso.known = false
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
	time.AfterFunc(lookupDelay, func() {
		if s.sso.gen.Load() != gen {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if m, _, err := f.deps.Engine.ServerMethods(ctx, sign); err == nil {
			f.deps.do(func() {
				if s.sso.gen.Load() == gen {
					s.showMethods(f, m)
				}
			})
		}
	})
}

// showMethods shows the ways the server offers.
func (s *serverFields) showMethods(f *Form, m remote.Methods) {
	s.sso.methods, s.sso.known = m, true
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
	label := map[string]any{"Label": s.sso.methods.SSOLabel}
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
	sign.OpenBrowser = func(address string) error {
		u, err := url.Parse(address)
		if err != nil {
			return err
		}
		return f.deps.openURL(u)
	}
	sign.ShowDeviceCode = func(c remote.DeviceCode) {
		f.deps.do(func() {
			f.busyText.SetText(lang.L("On your phone or another computer, open {{.Address}} and type the code {{.Code}}.",
				map[string]any{"Address": c.VerificationURI, "Code": c.UserCode}))
		})
	}
	return job{doing: lang.L("Signing in with {{.Label}} in your web browser…", label),
		run: s.adder(f, sign, opts, newPw, host), explain: keyProblem(opts.Mode)}, true
}
