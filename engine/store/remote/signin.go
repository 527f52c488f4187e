package remote

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/cairnbackup/cairn/engine/printable"
)

// Probe connects to a server and returns its certificate's fingerprint, and
// whether the system's certificate authorities vouch for it (then nothing
// needs to be pinned).
func Probe(ctx context.Context, rawURL string) (fingerprint string, trusted bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", false, fmt.Errorf("%q is not a server address like https://backup.example.org:8443", rawURL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second},
		Config: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", false, fmt.Errorf("cannot reach %s: %w", host, printable.Error(err))
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", false, errors.New("the server sent no certificate")
	}
	opts := x509.VerifyOptions{DNSName: u.Hostname(), Intermediates: x509.NewCertPool()}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, verr := certs[0].Verify(opts)
	return Fingerprint(certs[0].Raw), verr == nil, nil
}

// Account is a signed-in device.
type Account struct {
	Token    string
	DeviceID string
	// User is the account's name as the server gave it after a single
	// sign-on (made printable; "" from servers that do not say).
	User string
}

// SignIn checks the user's password with the server and registers this
// computer as one of their devices (or finds it, when it signed in before
// under that name). fingerprint is the pinned certificate ("" when the
// system's authorities vouch for it).
func SignIn(ctx context.Context, rawURL, fingerprint, user, password, device, osName string) (Account, error) {
	return signIn(ctx, rawURL, fingerprint, map[string]string{"user": user, "password": password, "device": device, "os": osName})
}

// Adopt signs in as the replacement of one of the user's devices (adopt is
// its ID): this computer takes that device and its archive over under the
// name device, and the old computer is signed out.
func Adopt(ctx context.Context, rawURL, fingerprint, user, password, adopt, device, osName string) (Account, error) {
	acct, err := signIn(ctx, rawURL, fingerprint, map[string]string{"user": user, "password": password,
		"device": device, "os": osName, "adopt": adopt})
	if err == nil && acct.DeviceID != adopt {
		return Account{}, errors.New("the server signed this computer in as another device than the one it replaces")
	}
	return acct, err
}

// AccountDevices checks the user's password and lists their devices
// without registering this computer as one.
func AccountDevices(ctx context.Context, rawURL, fingerprint, user, password string) ([]Device, error) {
	c, err := newClient(rawURL, fingerprint, "")
	if err != nil {
		return nil, err
	}
	var out []Device
	in := map[string]string{"user": user, "password": password}
	if err := c.postJSON(ctx, c.url("api", "v1", "signin", "devices"), in, &out); err != nil {
		return nil, err
	}
	return cleanDevices(out)
}

func signIn(ctx context.Context, rawURL, fingerprint string, in map[string]string) (Account, error) {
	c, err := newClient(rawURL, fingerprint, "")
	if err != nil {
		return Account{}, err
	}
	var out struct {
		Token    string `json:"token"`
		DeviceID string `json:"device_id"`
	}
	if err := c.postJSON(ctx, c.url("api", "v1", "signin"), in, &out); err != nil {
		return Account{}, err
	}
	if len(out.Token) < 16 || len(out.Token) > 512 || !validID(out.DeviceID) {
		return Account{}, errors.New("the server's sign-in answer is not what Cairn expects")
	}
	return Account{Token: out.Token, DeviceID: out.DeviceID}, nil
}

// Device is one of the account's devices, as the server describes it.
type Device struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OS         string `json:"os"`
	Created    int64  `json:"created"`
	LastSeen   int64  `json:"last_seen"`
	LastUpload int64  `json:"last_upload"`
	Bytes      int64  `json:"bytes"`
	Objects    int64  `json:"objects"`
	Retired    int64  `json:"retired"` // 0, or when an administrator retired it
}

// Devices lists the account's devices.
func (b *Backend) Devices(ctx context.Context) ([]Device, error) {
	var out []Device
	if err := b.c.getJSON(ctx, b.c.url("api", "v1", "devices"), &out); err != nil {
		return nil, err
	}
	return cleanDevices(out)
}

// cleanDevices checks a list of devices and makes its names printable:
// another computer chose each name, and a hostile server can say anything.
func cleanDevices(ds []Device) ([]Device, error) {
	if err := checkDevices(ds); err != nil {
		return nil, err
	}
	for i := range ds {
		ds[i].Name = printable.Name(ds[i].Name)
		ds[i].OS = printable.Name(ds[i].OS)
	}
	return ds, nil
}

func checkDevices(ds []Device) error {
	if len(ds) > 10000 {
		return errors.New("the server's list of devices is not what Cairn expects")
	}
	for _, d := range ds {
		if !validID(d.ID) || d.Bytes < 0 || len(d.Name) > 256 || len(d.OS) > 64 {
			return errors.New("the server's list of devices is not what Cairn expects")
		}
	}
	return nil
}

// SignOut revokes this device's token at the server.
func (b *Backend) SignOut(ctx context.Context) error {
	resp, err := b.c.do(ctx, http.MethodPost, b.c.url("api", "v1", "signout"), nil, 0, nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func validID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
