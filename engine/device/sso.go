package device

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine/store/remote"
)

// ErrSSOAccountKey refuses the key option "account" with single sign-on:
// the person typed no account password, so none can protect the key.
var ErrSSOAccountKey = errors.New("with your organisation's sign-in there is no account password to protect the archive key: " +
	"choose your own archive password, a key Cairn makes for you to keep, or (where the server offers it) a key your organisation keeps")

// errNoBrowser stops the loopback sign-in when no browser could be opened.
var errNoBrowser = errors.New("no web browser could be opened")

// ssoKeyMode is the key option of a single sign-on: "" is an archive
// password of the person's own, and "account" is impossible.
func ssoKeyMode(s ServerSignIn, m KeyMode) (KeyMode, error) {
	switch {
	case !s.SSO:
		return m, nil
	case m == "":
		return KeyPassword, nil
	case m == KeyAccount:
		return m, ErrSSOAccountKey
	}
	return m, nil
}

// ssoAccount signs this computer in through the organisation's single
// sign-on: in the browser (RFC 8252) when one opens, else by a code the
// person types on another device (RFC 8628). Replacing a computer (adopt)
// uses the sign-in AccountDevices kept (sso_replace.go).
func (d *Device) ssoAccount(ctx context.Context, s ServerSignIn, fp, adopt string) (remote.Account, error) {
	if adopt != "" {
		return d.ssoAdopt(ctx, s, fp, adopt)
	}
	if s.OpenBrowser != nil {
		acct, opened, err := d.ssoBrowser(ctx, s, fp, adopt)
		if opened || s.ShowDeviceCode == nil {
			return acct, err
		}
	}
	if s.ShowDeviceCode == nil {
		return remote.Account{}, errors.New("no web browser can be opened here and there is no way to show a sign-in code")
	}
	return remote.SignInDevice(ctx, s.URL, remote.DeviceOptions{Fingerprint: fp, Device: s.Device, OS: d.goos,
		Show: s.ShowDeviceCode})
}

// ssoBrowser runs the loopback flow; opened is false when the browser
// could not be opened (the flow is stopped then, for the device flow).
func (d *Device) ssoBrowser(ctx context.Context, s ServerSignIn, fp, adopt string) (remote.Account, bool, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var openErr error
	acct, err := remote.SignInSSO(ctx, s.URL, remote.SSOOptions{Fingerprint: fp, Device: s.Device, OS: d.goos,
		Adopt: adopt, OpenBrowser: func(address string) error {
			if openErr = s.OpenBrowser(address); openErr != nil {
				cancel(errNoBrowser)
			}
			return openErr
		}})
	if openErr != nil {
		return acct, false, fmt.Errorf("%w: %w", errNoBrowser, openErr)
	}
	return acct, true, err
}

// ServerMethods asks a server how people sign in to it, trusting its
// certificate as adding it does (ConfirmFingerprint is asked at most once
// here). The fingerprint returned is the one trusted: set it as
// s.Fingerprint for the sign-in, so the person is not asked again.
func (d *Device) ServerMethods(ctx context.Context, s ServerSignIn) (remote.Methods, string, error) {
	fp, err := d.trust(ctx, s)
	if err != nil {
		return remote.Methods{}, "", err
	}
	m, err := remote.SignInMethods(ctx, s.URL, fp)
	if err != nil {
		return m, fp, fmt.Errorf("ask %s how to sign in: %w", s.URL, err)
	}
	return m, fp, nil
}
