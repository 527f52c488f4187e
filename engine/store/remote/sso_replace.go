package remote

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/cairnbackup/cairn/engine/printable"
)

// The replace-device wizard through single sign-on (docs/SERVER-API.md,
// "purpose":"replace"): one sign-in in the browser, or by a code on
// another device, answers a short-lived session and the account's
// devices, and registers nothing; once the person has chosen the computer
// this one replaces, the session is traded, once, for that device's
// token (AdoptWithSession).

// ReplaceSession is an account's sign-in for the replace-device wizard.
type ReplaceSession struct {
	// Secret is traded once for the token of the device adopted.
	Secret string
	// Expires is when the server forgets the session (10 minutes after
	// the sign-in), by this computer's clock.
	Expires time.Time
	// User is the account's name at the server, to show.
	User string
	// Devices are the account's devices, retired ones included.
	Devices []Device
}

// Errors of the replace sign-in.
var (
	// ErrReplaceNotOffered: the server cannot list an account's devices
	// after single sign-on (an older server).
	ErrReplaceNotOffered = errors.New("this server cannot replace a computer through your organisation's sign-in: ask your IT department to update it")
	// ErrSessionOver: the session expired or was used; sign in again.
	ErrSessionOver = errors.New("the sign-in has expired (it lasts 10 minutes) or was used already: sign in again")
)

// purposeReplace is the sign-in's purpose on the wire.
const purposeReplace = "replace"

// ReplaceSignInSSO is SignInSSO for the replace-device wizard: the
// person signs in in the browser, and the server answers the account's
// devices and a session instead of registering this computer. o.Adopt
// must be "": the computer is chosen after.
func ReplaceSignInSSO(ctx context.Context, serverURL string, o SSOOptions) (ReplaceSession, error) {
	if o.Adopt != "" {
		return ReplaceSession{}, errors.New("ReplaceSignInSSO chooses no device: trade the session with AdoptWithSession")
	}
	var rs ReplaceSession
	success := "You are signed in. Go back to Cairn to choose the computer this one replaces. You can close this window."
	err := browserSignIn(ctx, serverURL, o, success, func(c *client, q url.Values, verifier string) (err error) {
		if q.Get("error") != "" {
			return refusalReason(q.Get("error_reason"))
		}
		rs, err = c.replaceSession(ctx, map[string]string{"code": q.Get("code"), "code_verifier": verifier,
			"device": o.Device, "os": o.OS, "purpose": purposeReplace})
		return err
	})
	return rs, err
}

// ReplaceSignInDevice is SignInDevice for the replace-device wizard: the
// approval page says that this computer will list the account's
// computers to replace one, and the polling picks up the session.
func ReplaceSignInDevice(ctx context.Context, serverURL string, o DeviceOptions) (ReplaceSession, error) {
	if o.Show == nil {
		return ReplaceSession{}, errors.New("ReplaceSignInDevice needs Show: the person must see the code")
	}
	c, err := newClient(serverURL, o.Fingerprint, "")
	if err != nil {
		return ReplaceSession{}, err
	}
	in := map[string]string{"device": o.Device, "os": o.OS, "purpose": purposeReplace}
	interval, expires, err := c.startDevice(ctx, in, o.Show)
	if err != nil {
		return ReplaceSession{}, replaceError(err)
	}
	var rs ReplaceSession
	err = pollUntil(ctx, interval, expires, func() (err error) {
		rs, err = c.replaceSession(ctx, in)
		return err
	})
	return rs, err
}

// replaceSession sends a replace sign-in (a grant or a device code with
// the purpose "replace") and reads the session.
func (c *client) replaceSession(ctx context.Context, in map[string]string) (ReplaceSession, error) {
	var out struct {
		Session   string   `json:"session"`
		ExpiresIn int      `json:"expires_in"`
		User      string   `json:"user"`
		Devices   []Device `json:"devices"`
		Token     string   `json:"token"`
	}
	if err := c.ssoPost(ctx, c.url("api", "v1", "signin", "sso"), in, &out); err != nil {
		return ReplaceSession{}, replaceError(err)
	}
	if out.Session == "" && out.Token != "" {
		// A server that does not know the purpose registered this
		// computer as a new device instead.
		return ReplaceSession{}, ErrReplaceNotOffered
	}
	devs, err := cleanDevices(out.Devices)
	if err != nil || len(out.Session) < 16 || len(out.Session) > 512 || out.ExpiresIn <= 0 {
		return ReplaceSession{}, errors.New("the server's answer to a sign-in is not what Cairn expects")
	}
	life := min(time.Duration(out.ExpiresIn)*time.Second, maxDevice)
	return ReplaceSession{Secret: out.Session, Expires: time.Now().Add(life), User: printable.Name(out.User),
		Devices: devs}, nil
}

// AdoptWithSession trades a replace session for the token of the device
// this computer takes over (adopt, its ID), under the name device: the
// server signs the old computer out, as Adopt does. ErrSessionOver means
// the session cannot be used any more (expired, or used).
func AdoptWithSession(ctx context.Context, serverURL, fingerprint, session, adopt, device, osName string) (Account, error) {
	c, err := newClient(serverURL, fingerprint, "")
	if err != nil {
		return Account{}, err
	}
	acct, err := c.ssoSignIn(ctx, map[string]string{"session": session, "device": device, "os": osName, "adopt": adopt})
	var se *ssoError
	if errors.As(err, &se) && se.Code == "invalid_grant" {
		return Account{}, ErrSessionOver
	}
	if err != nil {
		return Account{}, replaceError(err)
	}
	if acct.DeviceID != adopt {
		return Account{}, errors.New("the server signed this computer in as another device than the one it replaces")
	}
	return acct, nil
}

// replaceError says a refusal of the replace sign-in in its own words.
func replaceError(err error) error {
	if errors.Is(err, ErrOrgKeysNotOffered) { // the broker's "not_offered"
		return ErrReplaceNotOffered
	}
	return err
}
