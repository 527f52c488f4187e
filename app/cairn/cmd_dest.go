package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/printable"
)

// kdfFor returns the key-derivation cost; CAIRN_TEST_FAST_KDF=1 makes it
// cheap for tests (it is never a good idea for real archives).
func kdfFor(e *env) crypt.KDFParams {
	if e.getenv("CAIRN_TEST_FAST_KDF") == "1" {
		return crypt.TestKDF
	}
	return crypt.DefaultKDF
}

func cmdDest(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("usage: cairn dest add NAME PATH | dest list | dest remove NAME | dest passwd NAME")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	switch args[0] {
	case "add":
		fs := newFlags("dest add", e)
		user := fs.String("user", "", "your account on the server")
		fingerprint := fs.String("fingerprint", "", "the server certificate's SHA-256 fingerprint, as the server printed it")
		deviceName := fs.String("device", "", "this computer's name on the server (default: its host name)")
		key := fs.String("key", "", "what protects a server archive's key: account (default: your account password), password (a separate archive password), custom (a key Cairn makes for you to keep) or organisation (the server keeps it for your organisation)")
		escrow := fs.Bool("escrow", false, "leave the archive key with your organisation, so that IT can recover a forgotten password")
		escrowFP := fs.String("escrow-fingerprint", "", "the escrow key fingerprint your organisation published (checked when given)")
		sso := fs.Bool("sso", false, "sign in with your organisation's account, in your web browser (or with a code when there is none); --key then defaults to organisation where the server offers it, else password")
		deviceCode := fs.Bool("device-code", false, "with --sso: sign in with a code on another device instead of a browser here")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 2 {
			return usageErr("usage: cairn dest add NAME PATH | cairn dest add NAME https://HOST:PORT --user NAME|--sso [--device-code] [--fingerprint SHA256] [--device NAME] [--key account|password|custom|organisation] [--escrow]")
		}
		if strings.HasPrefix(pos[1], "https://") || strings.HasPrefix(pos[1], "http://") {
			k, err := keyOptions(e, *key, *escrow, *escrowFP)
			if err != nil {
				return err
			}
			if *sso || *deviceCode {
				if *user != "" {
					return usageErr("--sso signs in with your organisation's account in the browser: leave out --user")
				}
				return addServerSSO(ctx, e, d.Device, ssoFlags{name: pos[0], url: pos[1], fingerprint: *fingerprint,
					deviceName: *deviceName, key: *key, deviceCode: *deviceCode}, k)
			}
			return addServer(ctx, e, d.Device, pos[0], pos[1], *user, *fingerprint, *deviceName, k)
		}
		if *key != "" && *key != "password" || *escrow {
			return usageErr("a folder archive is always protected by its own password: --key and --escrow are for servers")
		}
		args = append([]string{"add"}, pos...)
		res, err := d.AddFolderDestination(ctx, args[1], args[2], passwordFunc(e), kdfFor(e))
		if err != nil {
			return err
		}
		if res.Created {
			fmt.Fprintf(e.stdout, "Created a new archive at %s as destination %q.\n", args[2], args[1])
			fmt.Fprintln(e.stdout, "Keep the password safe: without it nobody, not even you, can read this archive.")
		} else {
			s := res.Sync
			fmt.Fprintf(e.stdout, "Attached to the archive at %s as destination %q: %d versions in %d packs read in %s.\n",
				args[2], args[1], s.NewVersions, s.NewPacks, s.Took.Round(1e6))
		}
		return nil
	case "list":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tTYPE\tLOCATION\tARCHIVE")
		for _, x := range d.Config().Destinations {
			loc := x.Location()
			if x.Type == "server" && x.SSO {
				loc += " (single sign-on, device " + x.DeviceName + ")"
			} else if x.Type == "server" {
				loc += " (" + x.User + ", device " + x.DeviceName + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", printable.Name(x.Name), x.Type, printable.String(loc, 0), printable.Name(x.ArchiveID))
		}
		return tw.Flush()
	case "remove":
		if len(args) != 2 {
			return usageErr("usage: cairn dest remove NAME")
		}
		if err := d.RemoveDestination(args[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "This computer no longer backs up to %q. The archive there is untouched.\n", args[1])
		return nil
	case "passwd":
		if len(args) != 2 {
			return usageErr("usage: cairn dest passwd NAME")
		}
		ask := passwordFunc(e)
		oldPw, err := ask("Current password: ", false)
		if err != nil {
			return err
		}
		newPw := []byte(e.getenv("CAIRN_NEW_PASSWORD"))
		if len(newPw) == 0 {
			if newPw, err = ask("New password: ", true); err != nil {
				return err
			}
		}
		if err := d.ChangePassword(ctx, args[1], oldPw, newPw, kdfFor(e)); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Password changed. The old password no longer opens the archive.")
		return nil
	}
	return usageErr("unknown: cairn dest %s", args[0])
}

// addServer signs in to a server and adds it as a destination.
func addServer(ctx context.Context, e *env, d *device.Device, name, url, user, fingerprint, deviceName string, k device.KeyOptions) error {
	if strings.HasPrefix(url, "http://") {
		return usageErr("a server is reached over HTTPS only: use https://%s", strings.TrimPrefix(url, "http://"))
	}
	if user == "" {
		return usageErr("which account? add --user NAME")
	}
	s := device.ServerSignIn{Name: name, URL: url, User: user, Device: deviceName, Fingerprint: fingerprint,
		Password: func() ([]byte, error) {
			if pw := e.getenv("CAIRN_SERVER_PASSWORD"); pw != "" {
				return []byte(pw), nil
			}
			return askSecret(e, fmt.Sprintf("Password of %s on %s: ", user, url))
		},
		ConfirmFingerprint: confirmFingerprint(e, url),
	}
	res, err := d.AddServerDestinationWithKey(ctx, s, k, passwordFunc(e), kdfFor(e))
	if err != nil {
		return err
	}
	if res.Created {
		fmt.Fprintf(e.stdout, "Signed in to %s as %s; created this computer's archive there as destination %q.\n", url, user, name)
		fmt.Fprintln(e.stdout, keyAdvice(k))
	} else {
		fmt.Fprintf(e.stdout, "Signed in to %s as %s; attached to this device's archive (%d versions) as destination %q.\n",
			url, user, res.Sync.NewVersions, name)
	}
	return nil
}

// confirmFingerprint shows a self-signed server's fingerprint and asks
// whether to trust it; without a terminal it cannot ask (nil: the engine
// then says to use --fingerprint).
func confirmFingerprint(e *env, url string) func(string) (bool, error) {
	if !e.stdinTerminal() {
		return nil
	}
	return func(fp string) (bool, error) {
		fmt.Fprintf(e.stderr, "The server %s has a certificate no authority vouches for. Its fingerprint is:\n  %s\n", url, fp)
		q := "Is that the fingerprint your IT department gave you (or the server printed)? [y/N] "
		var line string
		if e.ask != nil {
			a, err := e.ask(control.Prompt{Text: q, Echo: true})
			if err != nil {
				return false, err
			}
			line = string(a.Line)
		} else {
			fmt.Fprint(e.stderr, q)
			var err error
			if line, err = bufio.NewReader(e.stdin).ReadString('\n'); err != nil && line == "" {
				return false, err
			}
		}
		return strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes"), nil
	}
}

// keyOptions reads --key and --escrow; a custom key is shown on stdout.
func keyOptions(e *env, key string, escrow bool, escrowFP string) (device.KeyOptions, error) {
	k := device.KeyOptions{Mode: device.KeyAccount, Escrow: escrow, EscrowFingerprint: escrowFP}
	if key != "" {
		m, err := device.ParseKeyMode(key)
		if err != nil {
			return k, usageErr("%v", err)
		}
		k.Mode = m
	}
	if escrowFP != "" && !escrow {
		return k, usageErr("--escrow-fingerprint goes with --escrow")
	}
	k.ShowCustomKey = func(key string) error {
		fmt.Fprintf(e.stdout, "Your archive key (shown this once; write it down or print it, and keep it safe):\n\n  %s\n\n", key)
		return nil
	}
	return k, nil
}

// keyAdvice says what protects the new archive, and what losing it means.
func keyAdvice(k device.KeyOptions) string {
	var s string
	switch k.Mode {
	case device.KeyAccount:
		s = "Your account password protects the archive: one password to remember. The server sees that password when you sign in."
	case device.KeyCustom:
		s = "The key above protects the archive; Cairn keeps it in this computer's keyring. You need it to open the archive from another computer."
	case device.KeyOrganisation:
		s = "Your organisation's server keeps the archive's key: its IT can read your backup, and you restore from another computer or a browser by signing in, with no password of your own to remember."
	default:
		s = "Keep the archive password safe: the server cannot read your files."
	}
	if k.Escrow {
		return s + " The key is also left with your organisation, which can recover it if you forget your password."
	}
	return s + " Nobody can recover a forgotten password for you."
}
