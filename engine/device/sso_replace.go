package device

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/store/remote"
)

// The replace-device wizard through single sign-on. AccountDevices signs
// in once (browser or device code) and the server answers the account's
// devices and a session that registers nothing; AdoptServerDevice trades
// the session for the token of the computer chosen. Between the two calls
// the session waits here, in memory only: it lasts 10 minutes and is used
// once. The token an adoption got waits here too, for an hour, so that
// trying again (the old computer's archive password was needed, or
// wrong) does not send the person to the browser a second time.

// adoptedKeep is how long the token of an adoption is kept for another
// try: long enough to find the old computer's password, short enough
// that a wizard left open does not hold it all day.
const adoptedKeep = time.Hour

// keptKey names what is kept: a Cairn folder (one Device) and a server.
type keptKey struct{ home, url string }

// keptSignIn is a replace sign-in waiting for AdoptServerDevice.
type keptSignIn struct {
	device  string                 // the name the session is for
	session remote.ReplaceSession  // Secret "" once traded
	adopted map[string]keptAccount // by the adopted device's ID
}

type keptAccount struct {
	acct    remote.Account
	device  string
	expires time.Time
}

// replaceKeep holds the kept sign-ins of this process. It is per Cairn
// folder and server, so Devices do not see each other's; everything in it
// expires, and expired entries go at the next use.
var replaceKeep = struct {
	mu sync.Mutex
	m  map[keptKey]*keptSignIn
}{m: map[keptKey]*keptSignIn{}}

func (d *Device) keptKey(url string) keptKey { return keptKey{d.home, url} }

// sweepKept drops what has expired; with replaceKeep.mu held.
func sweepKept(now time.Time) {
	for k, s := range replaceKeep.m {
		if s.session.Secret != "" && !now.Before(s.session.Expires) {
			s.session = remote.ReplaceSession{}
		}
		for id, a := range s.adopted {
			if !now.Before(a.expires) {
				delete(s.adopted, id)
			}
		}
		if s.session.Secret == "" && len(s.adopted) == 0 {
			delete(replaceKeep.m, k)
		}
	}
}

// keepSession keeps a new replace session for url, replacing an older one
// (the tokens of adoptions stay).
func (d *Device) keepSession(url, device string, rs remote.ReplaceSession) {
	replaceKeep.mu.Lock()
	defer replaceKeep.mu.Unlock()
	k := d.keptKey(url)
	s := replaceKeep.m[k]
	if s == nil {
		s = &keptSignIn{adopted: map[string]keptAccount{}}
		replaceKeep.m[k] = s
	}
	s.device, s.session = device, rs
	sweepKept(time.Now())
}

// takeSession returns the session kept for url and device and forgets it.
func (d *Device) takeSession(url, device string) (remote.ReplaceSession, bool) {
	replaceKeep.mu.Lock()
	defer replaceKeep.mu.Unlock()
	sweepKept(time.Now())
	s := replaceKeep.m[d.keptKey(url)]
	if s == nil || s.session.Secret == "" || s.device != device {
		return remote.ReplaceSession{}, false
	}
	rs := s.session
	s.session = remote.ReplaceSession{}
	return rs, true
}

// keptAdopted is the account an earlier adoption of id got, if kept.
func (d *Device) keptAdopted(url, id, device string) (remote.Account, bool) {
	replaceKeep.mu.Lock()
	defer replaceKeep.mu.Unlock()
	sweepKept(time.Now())
	if s := replaceKeep.m[d.keptKey(url)]; s != nil {
		if a, ok := s.adopted[id]; ok && a.device == device {
			return a.acct, true
		}
	}
	return remote.Account{}, false
}

// keepAdopted keeps the account an adoption got, for another try.
func (d *Device) keepAdopted(url, id, device string, acct remote.Account) {
	replaceKeep.mu.Lock()
	defer replaceKeep.mu.Unlock()
	k := d.keptKey(url)
	s := replaceKeep.m[k]
	if s == nil {
		s = &keptSignIn{adopted: map[string]keptAccount{}}
		replaceKeep.m[k] = s
	}
	s.adopted[id] = keptAccount{acct: acct, device: device, expires: time.Now().Add(adoptedKeep)}
}

// forgetReplace drops what is kept for url: the adoption is done.
func (d *Device) forgetReplace(url string) {
	replaceKeep.mu.Lock()
	defer replaceKeep.mu.Unlock()
	delete(replaceKeep.m, d.keptKey(url))
}

// ssoAccountDevices signs in for the wizard through single sign-on and
// keeps the session for AdoptServerDevice.
func (d *Device) ssoAccountDevices(ctx context.Context, s ServerSignIn, fp string) ([]remote.Device, error) {
	rs, err := d.ssoReplaceSession(ctx, s, fp)
	if err != nil {
		return nil, fmt.Errorf("sign in to %s through your organisation: %w", s.URL, err)
	}
	d.keepSession(s.URL, s.Device, rs)
	return rs.Devices, nil
}

// ssoReplaceSession runs the replace sign-in: in the browser when one
// opens, else by a code the person types on another device.
func (d *Device) ssoReplaceSession(ctx context.Context, s ServerSignIn, fp string) (remote.ReplaceSession, error) {
	if s.OpenBrowser != nil {
		bctx, cancel := context.WithCancelCause(ctx)
		var openErr error
		rs, err := remote.ReplaceSignInSSO(bctx, s.URL, remote.SSOOptions{Fingerprint: fp, Device: s.Device, OS: d.goos,
			OpenBrowser: func(address string) error {
				if openErr = s.OpenBrowser(address); openErr != nil {
					cancel(errNoBrowser)
				}
				return openErr
			}})
		cancel(nil)
		if openErr == nil || s.ShowDeviceCode == nil {
			if openErr != nil {
				err = fmt.Errorf("%w: %w", errNoBrowser, openErr)
			}
			return rs, err
		}
	}
	if s.ShowDeviceCode == nil {
		return remote.ReplaceSession{}, errors.New("no web browser can be opened here and there is no way to show a sign-in code")
	}
	return remote.ReplaceSignInDevice(ctx, s.URL, remote.DeviceOptions{Fingerprint: fp, Device: s.Device, OS: d.goos,
		Show: s.ShowDeviceCode})
}

// ssoAdopt signs this computer in as the device adopt through single
// sign-on: with the token an earlier try got, else with the session
// AccountDevices kept, else (it expired, or was spent on another
// computer of the list) by signing in again, once.
func (d *Device) ssoAdopt(ctx context.Context, s ServerSignIn, fp, adopt string) (remote.Account, error) {
	if acct, ok := d.keptAdopted(s.URL, adopt, s.Device); ok {
		return acct, nil
	}
	acct, err := d.adoptWithKept(ctx, s, fp, adopt)
	if errors.Is(err, errNoSession) || errors.Is(err, remote.ErrSessionOver) {
		acct, err = d.ssoAdoptAgain(ctx, s, fp, adopt)
	}
	if err == nil {
		d.keepAdopted(s.URL, adopt, s.Device, acct)
	}
	return acct, err
}

var errNoSession = errors.New("no replace session is kept")

// adoptWithKept trades the kept session. A refusal that issued no token
// (the name is taken, say) leaves the session usable: it is kept again.
func (d *Device) adoptWithKept(ctx context.Context, s ServerSignIn, fp, adopt string) (remote.Account, error) {
	rs, ok := d.takeSession(s.URL, s.Device)
	if !ok {
		return remote.Account{}, errNoSession
	}
	acct, err := remote.AdoptWithSession(ctx, s.URL, fp, rs.Secret, adopt, s.Device, d.goos)
	if err != nil && !errors.Is(err, remote.ErrSessionOver) && ctx.Err() == nil {
		d.keepSession(s.URL, s.Device, rs)
	}
	return acct, err
}

// ssoAdoptAgain signs in again to adopt: in the browser straight for the
// device's token, or by a code for a session traded at once.
func (d *Device) ssoAdoptAgain(ctx context.Context, s ServerSignIn, fp, adopt string) (remote.Account, error) {
	if s.OpenBrowser != nil {
		acct, opened, err := d.ssoBrowser(ctx, s, fp, adopt)
		if opened || s.ShowDeviceCode == nil {
			return acct, err
		}
	}
	if s.ShowDeviceCode == nil {
		return remote.Account{}, errors.New("no web browser can be opened here and there is no way to show a sign-in code")
	}
	rs, err := remote.ReplaceSignInDevice(ctx, s.URL, remote.DeviceOptions{Fingerprint: fp, Device: s.Device, OS: d.goos,
		Show: s.ShowDeviceCode})
	if err != nil {
		return remote.Account{}, err
	}
	return remote.AdoptWithSession(ctx, s.URL, fp, rs.Secret, adopt, s.Device, d.goos)
}
