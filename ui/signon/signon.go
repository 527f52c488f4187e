// Package signon is the single sign-on part of the forms that sign in to
// a Cairn server (the server form, ui/destform, and the replace-device
// wizard's first page, ui/replace): what the server at the address typed
// offers, asked a moment after the address is typed, and the
// "Sign in with <organisation>" button when it offers that.
package signon

import (
	"context"
	"net/url"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// Offer is what a form knows of a server's sign-ins. Methods and Known
// are read and written on the UI thread only.
type Offer struct {
	Button *widget.Button
	// Methods are what the server at the address typed offers; Known is
	// false until it answered.
	Methods remote.Methods
	Known   bool
	gen     atomic.Int64 // of the latest lookup: an older answer is dropped
}

// lookupDelay lets the person finish typing before the server is asked.
const lookupDelay = 600 * time.Millisecond

// Offered says whether the server typed offers single sign-on.
func (o *Offer) Offered() bool { return o.Known && o.Methods.SSO }

// Item is the form's row with the button, and what it does in words.
func (o *Offer) Item() *widget.FormItem {
	label := map[string]any{"Label": o.Methods.SSOLabel}
	o.Button.SetText(lang.L("Sign in with {{.Label}}", label))
	hint := lang.L("In your web browser, with your account at {{.Label}}.", label)
	if o.Methods.Password {
		hint = lang.L("In your web browser, with your account at {{.Label}}. Or type a user name and password below.", label)
	}
	return &widget.FormItem{Widget: o.Button, HintText: hint}
}

// Forget drops what the server said, and any answer still on its way (the
// address or the fingerprint changed); it says whether an answer was
// known, so that the form lays itself out again.
func (o *Offer) Forget() bool {
	o.gen.Add(1)
	known := o.Known
	o.Known = false
	return known
}

// Ask asks the server how to sign in, lookupDelay after the last Forget,
// unless another Forget came meanwhile; the answer goes to show on the UI
// thread (through do). A server that cannot be asked (not reachable, its
// certificate not trusted yet) is not reported: the form asks at its
// first sign-in.
func (o *Offer) Ask(sign device.ServerSignIn, methods func(context.Context, device.ServerSignIn) (remote.Methods, string, error),
	do func(func()), show func(remote.Methods)) {
	gen := o.gen.Load()
	time.AfterFunc(lookupDelay, func() {
		if o.gen.Load() != gen {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if m, _, err := methods(ctx, sign); err == nil {
			do(func() {
				if o.gen.Load() == gen {
					o.Methods, o.Known = m, true
					show(m)
				}
			})
		}
	})
}

// Hooks lets a single sign-on open the browser (open), and show the code
// to type on another device when none opens (say, called on the UI thread
// through do).
func Hooks(sign *device.ServerSignIn, open func(*url.URL) error, do func(func()), say func(string)) {
	sign.OpenBrowser = func(address string) error {
		u, err := url.Parse(address)
		if err != nil {
			return err
		}
		return open(u)
	}
	sign.ShowDeviceCode = func(c remote.DeviceCode) {
		do(func() {
			say(lang.L("On your phone or another computer, open {{.Address}} and type the code {{.Code}}.",
				map[string]any{"Address": c.VerificationURI, "Code": c.UserCode}))
		})
	}
}
