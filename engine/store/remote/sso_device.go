package remote

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"time"

	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/store"
)

// DeviceCode is what the person needs to approve a sign-in from another
// device: the address to open and the code to type there.
type DeviceCode struct {
	UserCode        string // ABCD-EFGH
	VerificationURI string // where to type it
	// VerificationURIComplete opens the page with the code filled in
	// (for a QR code or a link).
	VerificationURIComplete string
	Expires                 time.Time
}

// DeviceOptions configure a sign-in by the device flow.
type DeviceOptions struct {
	// Fingerprint is the server's pinned certificate ("" when the system's
	// certificate authorities vouch for it).
	Fingerprint string
	// Device and OS name this computer: the approval page shows them, so
	// the person knows which computer they let in.
	Device, OS string
	// Show tells the person the code and the address (required).
	Show func(DeviceCode)
}

// Bounds on what the server may ask of the polling: at least a second
// between polls (a server that says 0 does not get a flood), at most a
// minute (a person is waiting), and at most 30 minutes in all.
const (
	minPoll   = time.Second
	maxPoll   = time.Minute
	maxDevice = 30 * time.Minute
)

var userCodeForm = regexp.MustCompile(`^[A-Z0-9-]{4,20}$`)

// SignInDevice signs this computer in without a browser on it (RFC 8628):
// it shows a short code and an address to open on another device, where
// the person sees this computer's name, signs in with the organisation,
// and approves; meanwhile it polls the server at the interval the server
// sets, until the sign-in is approved, refused or expired.
func SignInDevice(ctx context.Context, serverURL string, o DeviceOptions) (Account, error) {
	if o.Show == nil {
		return Account{}, errors.New("SignInDevice needs Show: the person must see the code")
	}
	c, err := newClient(serverURL, o.Fingerprint, "")
	if err != nil {
		return Account{}, err
	}
	in := map[string]string{"device": o.Device, "os": o.OS}
	interval, expires, err := c.startDevice(ctx, in, o.Show)
	if err != nil {
		return Account{}, err
	}
	var acct Account
	err = pollUntil(ctx, interval, expires, func() (err error) {
		acct, err = c.ssoSignIn(ctx, in)
		return err
	})
	return acct, err
}

// startDevice asks the server for a device code (in: the computer's name,
// OS and purpose), shows it to the person, and adds it to in for the
// polling; it returns how often to poll and until when.
func (c *client) startDevice(ctx context.Context, in map[string]string, show func(DeviceCode)) (time.Duration, time.Time, error) {
	var start struct {
		DeviceCode              string `json:"device_code"`
		UserCode                string `json:"user_code"`
		VerificationURI         string `json:"verification_uri"`
		VerificationURIComplete string `json:"verification_uri_complete"`
		ExpiresIn               int    `json:"expires_in"`
		Interval                int    `json:"interval"`
	}
	if err := c.ssoPost(ctx, c.url("api", "v1", "sso", "device"), in, &start); err != nil {
		return 0, time.Time{}, err
	}
	code, err := checkDeviceCode(start.UserCode, start.VerificationURI, start.VerificationURIComplete, start.ExpiresIn)
	if err != nil || start.DeviceCode == "" || len(start.DeviceCode) > 512 {
		return 0, time.Time{}, errors.New("the server's answer to a device sign-in is not what Cairn expects")
	}
	show(code)
	in["device_code"] = start.DeviceCode
	return clampPoll(time.Duration(start.Interval) * time.Second), code.Expires, nil
}

// checkDeviceCode checks what the server says to show the person.
func checkDeviceCode(userCode, uri, complete string, expiresIn int) (DeviceCode, error) {
	if !userCodeForm.MatchString(userCode) || !httpsAddress(uri) || complete != "" && !httpsAddress(complete) {
		return DeviceCode{}, errors.New("not a device code")
	}
	life := min(time.Duration(expiresIn)*time.Second, maxDevice)
	if life <= 0 {
		life = maxDevice
	}
	return DeviceCode{UserCode: userCode, VerificationURI: uri, VerificationURIComplete: complete,
		Expires: time.Now().Add(life)}, nil
}

// httpsAddress: an https:// address, short and printable.
func httpsAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && len(s) <= 2048 && printable.String(s, 0) == s
}

func clampPoll(d time.Duration) time.Duration { return min(max(d, minPoll), maxPoll) }

// pollUntil calls try at the interval until it succeeds (the sign-in is
// approved), fails for good (refused), or the code expires; slow_down
// lengthens the interval as the server says, and an unreachable server is
// polled again until the code expires.
func pollUntil(ctx context.Context, interval time.Duration, expires time.Time, try func() error) error {
	for {
		if time.Now().Add(interval).After(expires) {
			return ErrSSOExpired
		}
		if err := ssoSleep(ctx, interval); err != nil {
			return err
		}
		err := try()
		var se *ssoError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &se) && se.Code == "authorization_pending":
		case errors.As(err, &se) && se.Code == "slow_down":
			interval = clampPoll(max(interval+5*time.Second, time.Duration(se.Interval)*time.Second))
		case errors.Is(err, store.ErrOffline):
		default:
			return err
		}
	}
}

// ssoSleep waits d, or until ctx ends.
func ssoSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
