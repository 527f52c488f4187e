package destform

import (
	"context"
	"net/url"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/signon"
)

// serverFields are what a person types to sign in to a Cairn server, and
// their choice of what protects the archive key.
type serverFields struct {
	address, user, password, fingerprint, computer *widget.Entry
	key                                            *keyChoice
	fields                                         *fyne.Container // holds the widget.Form, made again when the choice changes

	// trusted remembers the fingerprints the person confirmed, by server
	// address, so that trying again (after a wrong password) does not ask
	// a second time. Written by the sign-in's goroutine.
	mu      sync.Mutex
	trusted map[string]string

	sso signon.Offer // what the server offers, and its single sign-on button
}

// NewServerForm returns the form that signs this computer in to a Cairn
// server and creates its archive there (or continues the one it has).
func NewServerForm(w fyne.Window, d Deps, onAdded OnAdded) *Form {
	s := &serverFields{address: widget.NewEntry(), user: widget.NewEntry(), password: widget.NewPasswordEntry(),
		fingerprint: widget.NewEntry(), computer: widget.NewEntry(), key: newKeyChoice(), fields: container.NewStack(),
		trusted: map[string]string{}}
	s.address.SetPlaceHolder("https://backup.example.org:8443")
	s.fingerprint.SetPlaceHolder(lang.L("Optional: type it if your IT department gave you one (12:ab:…)"))
	if host, err := os.Hostname(); err == nil {
		s.computer.SetText(host)
	}
	f := newForm(w, d, onAdded, lang.L("Sign in"), s.fields, s.key.archive.HintObject())
	f.width, f.height = 760, 600
	f.prepare = func() (job, bool) { return s.prepare(f) }
	f.server = s
	s.sso.Button = widget.NewButton("", func() { s.signInSSO(f) })
	s.sso.Button.Importance = widget.HighImportance
	s.usePreset(d.Preset)
	s.key.changed = func() { s.layout(); f.relayout() }
	s.address.OnChanged = func(string) { s.typed(f) }
	s.fingerprint.OnChanged = func(string) { s.typed(f) }
	s.typed(f) // an address the organisation set
	s.layout()
	return f
}

// usePreset fills the fields the organisation set, and locks the server's
// address and fingerprint: they are IT's to choose, and a person should not
// be talked into typing another server's.
func (s *serverFields) usePreset(p config.Preset) {
	if p.Server != "" {
		s.address.SetText(p.Server)
		s.address.Disable()
	}
	if p.Fingerprint != "" {
		s.fingerprint.SetText(p.Fingerprint)
		s.fingerprint.Disable()
	}
	if p.Key != "" {
		s.key.choose(device.KeyMode(p.Key))
	}
	s.key.escrow.SetChecked(p.Escrow)
}

// layout makes the form's rows again: the sign-in, then the key choice,
// whose rows depend on the option chosen. The widgets stay, with what was
// typed in them.
func (s *serverFields) layout() {
	address := widget.NewFormItem(lang.L("Server address"), s.address)
	user := widget.NewFormItem(lang.L("User name"), s.user)
	password := widget.NewFormItem(lang.L("Password"), s.password)
	fingerprint := widget.NewFormItem(lang.L("Fingerprint"), s.fingerprint)
	items := []*widget.FormItem{address, user, password, fingerprint}
	if s.sso.Offered() {
		items = []*widget.FormItem{address, fingerprint, s.sso.Item()}
		if s.sso.Methods.Password {
			items = append(items, user, password)
		}
	}
	items = append(append(items, &widget.FormItem{Text: lang.L("This computer"), Widget: s.computer,
		HintText: lang.L("Its name on the server, so you can tell your computers apart")}), s.key.items()...)
	s.fields.Objects = []fyne.CanvasObject{widget.NewForm(items...)}
	s.fields.Refresh()
}

// prepare checks the fields and returns the sign-in to run with a copy of
// what was typed (the engine's goroutine never reads a widget).
func (s *serverFields) prepare(f *Form) (job, bool) {
	addr, host, ok := serverAddress(s.address.Text)
	switch {
	case !ok:
		return f.refuse(s.address, lang.L("Type the server's address as your IT department gave it, like https://backup.example.org:8443."))
	case !s.sso.Known && strings.TrimSpace(s.user.Text) == "" && s.password.Text == "":
		return s.askMethods(f, addr, host), true
	case strings.TrimSpace(s.user.Text) == "":
		return f.refuse(s.user, lang.L("Type your user name."))
	case s.password.Text == "":
		return f.refuse(s.password, lang.L("Type your password."))
	}
	opts, newPw, ok := s.key.options()
	if !ok {
		f.showProblem("")
		return job{}, false
	}
	sign := s.signIn(f, addr, host)
	sign.User = strings.TrimSpace(s.user.Text)
	accountPw := []byte(s.password.Text)
	sign.Password = func() ([]byte, error) { return accountPw, nil }
	return job{doing: lang.L("Signing in to {{.Server}}…", map[string]any{"Server": host}),
		run: s.adder(f, sign, opts, newPw, host), explain: keyProblem(opts.Mode)}, true
}

// signIn is the sign-in of the fields typed, without its way of signing
// in (a password, or single sign-on).
func (s *serverFields) signIn(f *Form, addr, host string) device.ServerSignIn {
	sign := device.ServerSignIn{Name: uniqueName(host, f.deps.Engine.Config()), URL: addr,
		Device: strings.TrimSpace(s.computer.Text), Fingerprint: strings.TrimSpace(s.fingerprint.Text)}
	if sign.Fingerprint == "" {
		sign.Fingerprint = s.trustedFingerprint(addr)
	}
	return sign
}

// adder is the work of a try: sign in and add the destination, asking the
// person (fingerprint, custom key, existing archive's password) from the
// engine's goroutine.
func (s *serverFields) adder(f *Form, sign device.ServerSignIn, opts device.KeyOptions, newPw []byte, host string) func(context.Context) (string, device.AddResult, error) {
	existing := lang.L("This computer has a backup on this server already. Type the password you chose for it.")
	computer := sign.Device
	if computer == "" {
		computer, _ = os.Hostname() // as the engine names it
	}
	about := keyFileHeading(host, sign.User, computer)
	return func(ctx context.Context) (string, device.AddResult, error) {
		sign.ConfirmFingerprint = s.confirmer(ctx, f, sign.URL, host)
		opts.ShowCustomKey = func(key string) error { return f.showCustomKey(ctx, key, about) }
		res, err := f.deps.Engine.AddServerDestinationWithKey(ctx, sign, opts, func(_ string, create bool) ([]byte, error) {
			switch {
			case opts.Mode == device.KeyCustom:
				return f.existingKey(ctx)
			case create:
				return newPw, nil
			}
			return f.existingPassword(ctx, existing)
		}, f.deps.KDF)
		return sign.Name, res, err
	}
}

// confirmer asks the person to trust a self-signed server's certificate,
// and remembers a fingerprint they trusted.
func (s *serverFields) confirmer(ctx context.Context, f *Form, addr, host string) func(string) (bool, error) {
	return func(fp string) (bool, error) {
		ok, err := f.confirmFingerprint(ctx, host, fp)
		if ok && err == nil {
			s.trust(addr, fp)
		}
		return ok, err
	}
}

// trust remembers that the person confirmed fingerprint fp for addr.
func (s *serverFields) trust(addr, fp string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trusted[addr] = fp
}

// trustedFingerprint is the fingerprint confirmed for addr, or "".
func (s *serverFields) trustedFingerprint(addr string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.trusted[addr]
}

// serverAddress turns what was typed into https://host:port, adding the
// https:// people often leave out.
func serverAddress(typed string) (addr, host string, ok bool) {
	typed = strings.TrimSpace(typed)
	if typed != "" && !strings.Contains(typed, "://") {
		typed = "https://" + typed
	}
	u, err := url.Parse(typed)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return "", "", false
	}
	return strings.TrimSuffix(typed, "/"), u.Hostname(), true
}

// refuse shows why the fields cannot be used and puts the cursor where the
// person has to type.
func (f *Form) refuse(field fyne.Focusable, why string) (job, bool) {
	f.showProblem(why)
	if c := f.w.Canvas(); c != nil {
		c.Focus(field)
	}
	return job{}, false
}
