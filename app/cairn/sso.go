package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// ssoFlags are what `cairn dest add … --sso` was given.
type ssoFlags struct {
	name, url, fingerprint, deviceName string
	key                                string // --key as typed ("" when not given)
	deviceCode                         bool   // --device-code: no browser, a code
}

// addServerSSO signs in to a server through the organisation's single
// sign-on (docs/SSO.md) and adds it as a destination: in the system
// browser where one can be opened (the address is printed too), else by a
// code typed on another device.
func addServerSSO(ctx context.Context, e *env, d *device.Device, f ssoFlags, k device.KeyOptions) error {
	if strings.HasPrefix(f.url, "http://") {
		return usageErr("a server is reached over HTTPS only: use https://%s", strings.TrimPrefix(f.url, "http://"))
	}
	s := device.ServerSignIn{Name: f.name, URL: f.url, Device: f.deviceName, Fingerprint: f.fingerprint, SSO: true,
		ConfirmFingerprint: confirmFingerprint(e, f.url)}
	methods, fp, err := d.ServerMethods(ctx, s)
	if err != nil {
		return err
	}
	if !methods.SSO {
		return fmt.Errorf("%s does not offer single sign-on: sign in with your user name instead (--user NAME)", f.url)
	}
	s.Fingerprint = fp
	if f.key == "" {
		k.Mode = ssoDefaultKey(methods)
	}
	s.ShowDeviceCode = showDeviceCode(e, methods.SSOLabel)
	if !f.deviceCode && browserAvailable(e) {
		s.OpenBrowser = func(address string) error {
			fmt.Fprintf(e.stderr, "Sign in with %s in your web browser. If it does not open, open this address:\n\n  %s\n\n",
				methods.SSOLabel, address)
			if err := openBrowser(e, address); err != nil {
				fmt.Fprintf(e.stderr, "Cairn could not open a web browser (%v): sign in with a code instead.\n", err)
				return err
			}
			return nil
		}
	}
	res, err := d.AddServerDestinationWithKey(ctx, s, k, passwordFunc(e), kdfFor(e))
	if err != nil {
		return err
	}
	if res.Created {
		fmt.Fprintf(e.stdout, "Signed in to %s with %s; created this computer's archive there as destination %q.\n",
			f.url, methods.SSOLabel, f.name)
		fmt.Fprintln(e.stdout, keyAdvice(k))
	} else {
		fmt.Fprintf(e.stdout, "Signed in to %s with %s; attached to this device's archive (%d versions) as destination %q.\n",
			f.url, methods.SSOLabel, res.Sync.NewVersions, f.name)
	}
	return nil
}

// ssoDefaultKey is the key option when --key is not given: there is no
// account password to use, so the organisation keeps the key when its
// server offers that (nothing to remember), else an archive password of
// the person's own.
func ssoDefaultKey(m remote.Methods) device.KeyMode {
	if m.OrganisationKeys {
		return device.KeyOrganisation
	}
	return device.KeyPassword
}

// showDeviceCode prints the device flow's code and where to type it.
func showDeviceCode(e *env, label string) func(remote.DeviceCode) {
	return func(c remote.DeviceCode) {
		fmt.Fprintf(e.stderr, "To sign in with %s, open this address on your phone or another computer:\n\n  %s\n\n"+
			"and type the code  %s  (it works until %s). Cairn waits here until you have signed in.\n",
			label, c.VerificationURI, c.UserCode, c.Expires.Format("15:04"))
	}
}

// browserAvailable says whether a web browser can be opened here: on
// Linux and the BSDs only in a graphical session (or with $BROWSER set);
// a server or a lab machine over SSH has none.
func browserAvailable(e *env) bool {
	if e.getenv("BROWSER") != "" {
		return true
	}
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	return e.getenv("DISPLAY") != "" || e.getenv("WAYLAND_DISPLAY") != ""
}

// openBrowser opens address in the person's web browser: $BROWSER when
// set (as git and Python do), else the system's opener.
func openBrowser(e *env, address string) error {
	name, args := browserCommand(runtime.GOOS, e.getenv("BROWSER"), address)
	cmd := exec.Command(name, args...)
	cmd.Env = os.Environ()
	for _, k := range []string{"DISPLAY", "WAYLAND_DISPLAY"} {
		if v := e.getenv(k); v != "" { // the caller's session, for a command sent to the daemon
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	return startOpener(cmd)
}

// browserCommand is the program that opens address on goos.
func browserCommand(goos, browser, address string) (string, []string) {
	if first, _, _ := strings.Cut(browser, string(os.PathListSeparator)); strings.TrimSpace(first) != "" {
		return strings.TrimSpace(first), []string{address}
	}
	switch goos {
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", address}
	case "darwin":
		return "open", []string{address}
	}
	return "xdg-open", []string{address}
}

// openerWait is how long an opener may take to say it failed; one still
// running after it is taken as a browser that opened (some openers stay
// until the browser closes).
const openerWait = 5 * time.Second

func startOpener(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%s failed with exit code %d", cmd.Path, ee.ExitCode())
		}
		return err
	case <-time.After(openerWait):
		return nil
	}
}
