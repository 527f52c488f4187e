package device

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// ServerSignIn describes a server destination to add.
type ServerSignIn struct {
	Name   string // the destination's name on this computer
	URL    string // https://host:port
	User   string
	Device string // this computer's name at the server; default: the host name
	// Fingerprint, when set, is the certificate fingerprint to trust (what
	// the server printed at start); otherwise ConfirmFingerprint is asked.
	Fingerprint string
	// ConfirmFingerprint shows a self-signed server's fingerprint to the
	// person and says whether they trust it (trust on first use).
	ConfirmFingerprint func(fingerprint string) (bool, error)
	// Password asks for the account's password (not with SSO).
	Password func() ([]byte, error)

	// SSO signs in through the organisation's single sign-on instead of a
	// user name and password (sso.go): in the person's browser when
	// OpenBrowser opens one, else by a code shown with ShowDeviceCode.
	SSO bool
	// OpenBrowser opens the system browser at an address (nil: there is
	// none; an error: it could not be opened, and the device flow is used).
	OpenBrowser func(url string) error
	// ShowDeviceCode shows the code and the address to open on another
	// device, for a computer without a browser (the device flow).
	ShowDeviceCode func(remote.DeviceCode)

	// opened, when set, is given the server backend once signed in, before
	// the archive is made or unlocked (the organisation-held key uses it).
	opened func(*remote.Backend)
}

// ErrNotTrusted means the person did not confirm the server's certificate.
var ErrNotTrusted = errors.New("the server's certificate was not trusted; nothing was changed")

// AddServerDestination signs in to a Cairn server, registers this computer
// as one of the account's devices, and creates its archive there (or
// attaches to it, when this device has one already).
func (d *Device) AddServerDestination(ctx context.Context, s ServerSignIn, archivePassword PasswordFunc, kdf crypt.KDFParams) (AddResult, error) {
	return d.addServer(ctx, s, "", archivePassword, kdf)
}

// addServer adds a server destination; with adopt (a device ID), this
// computer takes that device over instead of registering as a new one.
func (d *Device) addServer(ctx context.Context, s ServerSignIn, adopt string, archivePassword PasswordFunc, kdf crypt.KDFParams) (AddResult, error) {
	var res AddResult
	if s.Name == "" || len(s.Name) > 64 {
		return res, fmt.Errorf("a destination needs a name of 1 to 64 characters")
	}
	if _, err := d.conf().Destination(s.Name); err == nil {
		return res, fmt.Errorf("destination %q: %w", s.Name, ErrExists)
	}
	if s.Device == "" {
		s.Device, _ = os.Hostname()
	}
	fp, err := d.trust(ctx, s)
	if err != nil {
		return res, err
	}
	pw, acct, err := d.serverAccount(ctx, s, fp, adopt)
	if err != nil {
		return res, err
	}
	if s.User == "" {
		s.User = acct.User // the account single sign-on signed in to
	}
	dst := config.Destination{Name: s.Name, Type: "server", URL: strings.TrimSuffix(s.URL, "/"), User: s.User,
		DeviceID: acct.DeviceID, DeviceName: s.Device, Fingerprint: fp, SSO: s.SSO}
	if err := d.saveToken(dst.Name, acct.Token); err != nil {
		return res, err
	}
	os.RemoveAll(d.spoolDir(dst.Name)) // a queue left by an earlier destination of that name
	b, err := d.openRemote(&dst)
	if err != nil {
		return res, err
	}
	defer b.Close()
	if s.opened != nil {
		s.opened(b)
	}
	id, exists, err := repo.Exists(ctx, b)
	if err != nil {
		return res, err
	}
	if adopt != "" {
		// By the server's clock, which stamps the versions (store.Clock).
		dst.Adopted = b.Now().UnixNano()
	}
	var master crypt.MasterKey
	if exists && adopt != "" {
		var mode KeyMode
		if master, mode, err = unlockAdopted(ctx, b, pw, archivePassword); err != nil {
			return res, err
		}
		dst.KeyMode = string(mode)
	} else if exists {
		apw, err := archivePassword("Password of this device's archive on the server: ", false)
		if err != nil {
			return res, err
		}
		if master, err = repo.Unlock(ctx, b, apw); err != nil {
			return res, err
		}
	} else {
		apw, err := archivePassword("New password for this computer's archive (it encrypts your files; the server never sees it): ", true)
		if err != nil {
			return res, err
		}
		if master, err = repo.Init(ctx, b, apw, repo.InitOptions{KDF: kdf, PackSize: d.packSize}); err != nil {
			return res, err
		}
		if err := b.Drain(ctx); err != nil {
			return res, fmt.Errorf("create the archive on the server: %w", err)
		}
		if id, _, err = repo.Exists(ctx, b); err != nil {
			return res, err
		}
		res.Created = true
	}
	dst.ArchiveID = id
	if err := d.cacheKey(id, master); err != nil {
		return res, err
	}
	if err := d.addDestination(dst); err != nil {
		return res, err
	}
	return res, d.attach(ctx, s.Name, exists, adopt != "", &res)
}

// serverAccount signs this computer in: with the account's password
// (returned, for the key option that uses it), or through single sign-on
// (no password then).
func (d *Device) serverAccount(ctx context.Context, s ServerSignIn, fp, adopt string) ([]byte, remote.Account, error) {
	if s.SSO {
		acct, err := d.ssoAccount(ctx, s, fp, adopt)
		if err != nil {
			return nil, acct, fmt.Errorf("sign in to %s through your organisation: %w", s.URL, err)
		}
		return nil, acct, nil
	}
	pw, err := s.Password()
	if err != nil {
		return nil, remote.Account{}, err
	}
	var acct remote.Account
	if adopt != "" {
		acct, err = remote.Adopt(ctx, s.URL, fp, s.User, string(pw), adopt, s.Device, d.goos)
	} else {
		acct, err = remote.SignIn(ctx, s.URL, fp, s.User, string(pw), s.Device, d.goos)
	}
	if err != nil {
		return nil, acct, fmt.Errorf("sign in to %s as %s: %w", s.URL, s.User, err)
	}
	return pw, acct, nil
}

// trust decides which certificate to trust: one certificate authorities
// vouch for needs nothing pinned; a self-signed one is pinned once the
// person (or --fingerprint) confirms it.
func (d *Device) trust(ctx context.Context, s ServerSignIn) (string, error) {
	seen, trusted, err := remote.Probe(ctx, s.URL)
	if err != nil {
		return "", err
	}
	if s.Fingerprint != "" {
		want, err := remote.ParseFingerprint(s.Fingerprint)
		if err != nil {
			return "", err
		}
		got, _ := remote.ParseFingerprint(seen)
		if want != got {
			return "", fmt.Errorf("%w (expected %s, the server shows %s)", remote.ErrFingerprint, s.Fingerprint, seen)
		}
		return seen, nil
	}
	if trusted {
		return "", nil
	}
	if s.ConfirmFingerprint == nil {
		return "", fmt.Errorf("the server's certificate is self-signed, with fingerprint %s: if that is what the server printed, add the destination again with --fingerprint %s", seen, seen)
	}
	ok, err := s.ConfirmFingerprint(seen)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrNotTrusted
	}
	return seen, nil
}

// tokenName is the secret that holds a server destination's sign-in token.
func tokenName(dest string) string { return "server-token-" + dest }

func (d *Device) saveToken(dest, token string) error {
	if err := d.secrets.Set(tokenName(dest), []byte(token)); err != nil {
		return fmt.Errorf("keep the server's sign-in on this computer: %w", err)
	}
	return nil
}

func (d *Device) spoolDir(dest string) string { return filepath.Join(d.home, "queue", dest) }

func (d *Device) openRemote(dst *config.Destination) (*remote.Backend, error) {
	token, err := d.secrets.Get(tokenName(dst.Name))
	if err != nil {
		return nil, fmt.Errorf("this computer is not signed in to %s: add the destination again: %w", dst.URL, err)
	}
	return remote.Open(remote.Config{URL: dst.URL, DeviceID: dst.DeviceID, Token: strings.TrimSpace(string(token)),
		Fingerprint: dst.Fingerprint, Spool: d.spoolDir(dst.Name), MaxSpool: d.conf().OfflineQueue, Limit: d.limitUpload})
}

// Devices lists the devices of the account a server destination signed in to.
func (d *Device) Devices(ctx context.Context, dest string) ([]remote.Device, error) {
	r, dst, err := d.repo(ctx, dest)
	if err != nil {
		return nil, err
	}
	b, ok := r.Backend().(*remote.Backend)
	if !ok {
		return nil, fmt.Errorf("destination %q is a folder, not a server: it has no devices", dst.Name)
	}
	return b.Devices(ctx)
}

// maxClockSkew is how far this computer's clock may be from a server's
// before pruning is refused: retention judges versions by age, and a wrong
// clock would make recent versions look old.
const maxClockSkew = 10 * time.Minute

func checkClock(r *repo.Repo) error {
	b, ok := r.Backend().(*remote.Backend)
	if !ok {
		return nil
	}
	if skew := b.ClockSkew(); skew > maxClockSkew || skew < -maxClockSkew {
		return fmt.Errorf("this computer's clock is %s off the server's: set the clock right before pruning", skew.Round(time.Second))
	}
	return nil
}
