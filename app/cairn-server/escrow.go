package main

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// escrowSummary is what the usage says of the escrow commands.
var escrowSummary = []string{
	"escrow init [--out FILE] [--replace]   make the organisation's escrow key; the private key goes to FILE, keep it OFFLINE",
	"escrow show                            the escrow public key's fingerprint",
	"escrow recover --user U --device D --private-key FILE   a forgotten archive password: adds a temporary one",
}

// pemType names the private key file's contents.
const pemType = "CAIRN ESCROW PRIVATE KEY"

func cmdEscrow(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("escrow needs a subcommand: init, show or recover")
	}
	switch args[0] {
	case "init":
		return escrowInit(ctx, e, args[1:])
	case "show":
		return escrowShow(ctx, e, args[1:])
	case "recover":
		return escrowRecover(ctx, e, args[1:])
	}
	return usageErr("unknown subcommand escrow %s", args[0])
}

func escrowInit(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("escrow init", e)
	out := fs.String("out", "", "where to write the private key (default: cairn-escrow-<fingerprint>.key here)")
	replace := fs.Bool("replace", false, "replace the escrow key (keys escrowed before stay sealed to the old one)")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return errors.Join(err, wantArgs(pos, 0, "no arguments"))
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	pub, priv, err := server.InitEscrow(ctx, data.Records, *replace)
	if errors.Is(err, server.ErrEscrowConfigured) {
		return fmt.Errorf("%w: 'escrow show' prints its fingerprint; --replace makes a new one", err)
	}
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = "cairn-escrow-" + pub.Fingerprint()[:11] + ".key"
	}
	if err := writePrivateKey(path, pub, priv); err != nil {
		return fmt.Errorf("the escrow key was made but its private key could not be written (run 'escrow init --replace' again): %w", err)
	}
	abs, _ := filepath.Abs(path)
	fmt.Fprintf(e.stdout, "escrow key fingerprint: %s\nprivate key: %s\n", pub.Fingerprint(), abs)
	fmt.Fprintln(e.stderr, "WARNING: the private key opens every key escrowed with this server. Move it OFFLINE now (an encrypted")
	fmt.Fprintln(e.stderr, "USB stick in a safe, a password manager), keep a second copy, and delete it from this machine. Without it")
	fmt.Fprintln(e.stderr, "no forgotten password can be recovered; whoever holds it together with the server's data can read the")
	fmt.Fprintln(e.stderr, "archives of everyone who chose escrow.")
	return nil
}

// writePrivateKey writes the key as PEM, readable by its owner only, never
// over an existing file.
func writePrivateKey(path string, pub remote.EscrowKey, priv [32]byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	block := &pem.Block{Type: pemType, Headers: map[string]string{"Fingerprint": pub.Fingerprint()}, Bytes: priv[:]}
	if err := pem.Encode(f, block); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readPrivateKey(path string) ([32]byte, error) {
	var k [32]byte
	b, err := os.ReadFile(path)
	if err != nil {
		return k, fmt.Errorf("escrow private key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != pemType || len(block.Bytes) != 32 {
		return k, fmt.Errorf("%s is not a Cairn escrow private key (the file 'escrow init' wrote)", path)
	}
	copy(k[:], block.Bytes)
	return k, nil
}

func escrowShow(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("escrow show", e)
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return errors.Join(err, wantArgs(pos, 0, "no arguments"))
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	pub, ok, err := server.EscrowPublicKey(ctx, data.Records)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("this server has no escrow key: 'cairn-server escrow init' makes one")
	}
	fmt.Fprintln(e.stdout, pub.Fingerprint())
	return nil
}

func escrowRecover(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("escrow recover", e)
	user := fs.String("user", "", "the account")
	device := fs.String("device", "", "the device: its ID or name ('device list' shows them)")
	keyFile := fs.String("private-key", "", "the escrow private key file 'escrow init' wrote")
	pwFile := fs.String("password-file", "", "the temporary archive password (first line); else CAIRN_ESCROW_PASSWORD, else asked")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return errors.Join(err, wantArgs(pos, 0, "no arguments"))
	}
	if *user == "" || *device == "" || *keyFile == "" {
		return usageErr("escrow recover needs --user, --device and --private-key")
	}
	name, err := userName(*user)
	if err != nil {
		return err
	}
	priv, err := readPrivateKey(*keyFile)
	if err != nil {
		return err
	}
	pw, err := tempPassword(e, *pwFile, name)
	if err != nil {
		return err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	rec, err := server.RecoverEscrow(ctx, data, name, *device, priv, pw, kdfOf(e))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "The archive of %s's device %s (%s) now also opens with the temporary password (key file %s).\n",
		rec.User, rec.DeviceName, rec.DeviceID, rec.KeyObject)
	fmt.Fprintln(e.stdout, "Give it to the person by a channel you trust. On their computer: sign in again ('cairn dest add … --key password'),")
	fmt.Fprintln(e.stdout, "type the temporary password for the archive, then set their own ('cairn dest passwd NAME').")
	return nil
}

// tempPassword is the temporary archive password: --password-file, else
// CAIRN_ESCROW_PASSWORD (for scripts), else asked twice.
func tempPassword(e *env, file, user string) ([]byte, error) {
	if file == "" {
		if pw := e.getenv("CAIRN_ESCROW_PASSWORD"); pw != "" {
			if len([]rune(pw)) < minPassword {
				return nil, fmt.Errorf("the temporary password is shorter than %d characters", minPassword)
			}
			return []byte(pw), nil
		}
	}
	// Not CAIRN_SERVER_PASSWORD: that is an account's password.
	own := *e
	own.getenv = func(k string) string {
		if k == "CAIRN_SERVER_PASSWORD" {
			return ""
		}
		return e.getenv(k)
	}
	return readPassword(&own, file, "the temporary archive password of "+user)
}

// kdfOf is the cost of the new key file's password derivation:
// CAIRN_SERVER_TEST_FAST_KDF makes it cheap (tests only).
func kdfOf(e *env) crypt.KDFParams {
	if e.getenv("CAIRN_SERVER_TEST_FAST_KDF") != "" {
		return crypt.TestKDF
	}
	return crypt.DefaultKDF
}
