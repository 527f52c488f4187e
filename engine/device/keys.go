package device

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// KeyMode is what protects a server archive's master key, as CrashPlan
// offers it.
type KeyMode string

// Key modes.
const (
	// KeyAccount: the account password wraps the archive key, so the
	// person has one password. The server sees that password at each
	// sign-in, so its operator could unwrap the key: the organisation can
	// get at the files, as with CrashPlan's standard security.
	KeyAccount KeyMode = "account"
	// KeyPassword: a separate archive password the server never sees (the
	// only mode for folder destinations).
	KeyPassword KeyMode = "password"
	// KeyCustom: a random 256-bit key Cairn makes and shows once, for the
	// person to keep; Cairn keeps it in the keyring too.
	KeyCustom KeyMode = "custom"
	// KeyOrganisation: a random key Cairn makes and hands to the server,
	// which keeps it wrapped under a key only the server holds and gives it
	// to the person's own signed-in devices and web pages (orgkey.go). The
	// organisation's IT can read the backup; the person needs no password
	// of their own, which suits single sign-on.
	KeyOrganisation KeyMode = "organisation"
)

// ParseKeyMode checks a key mode's name.
func ParseKeyMode(s string) (KeyMode, error) {
	switch m := KeyMode(strings.ToLower(strings.TrimSpace(s))); m {
	case KeyAccount, KeyPassword, KeyCustom, KeyOrganisation:
		return m, nil
	}
	return "", fmt.Errorf("%q is not a key option: use account, password, custom or organisation", s)
}

// customKeyName is the secret that holds an archive's custom key.
func customKeyName(archiveID string) string { return "custom-key-" + archiveID }

// newCustomKey makes a custom key: 32 random bytes in base32, in groups of
// four letters and digits for a person to copy ("ABCD-EFGH-…", 13 groups).
func newCustomKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	var groups []string
	for len(s) > 4 {
		groups, s = append(groups, s[:4]), s[4:]
	}
	return strings.Join(append(groups, s), "-"), nil
}

// canonicalCustomKey is the form of a custom key that wraps the archive
// key: what the person typed without spaces and dashes, in capitals, with
// the digits people confuse with letters read as those letters.
func canonicalCustomKey(typed string) ([]byte, error) {
	s := strings.NewReplacer(" ", "", "-", "", "\t", "", "0", "O", "1", "I", "8", "B").Replace(strings.ToUpper(typed))
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, errors.New("that is not a Cairn archive key: it is 13 groups of letters and digits, like ABCD-EFGH-…")
	}
	return []byte(s), nil
}

// keyChooser turns a key mode into the archive passwords addServer asks
// for: the account password, a custom key, or what the person types.
type keyChooser struct {
	mode    KeyMode
	show    func(key string) error
	ask     PasswordFunc
	account []byte // captured at sign-in
	custom  []byte // the custom key used, canonical
	org     *orgKey
}

func (k *keyChooser) password(prompt string, create bool) ([]byte, error) {
	switch k.mode {
	case KeyAccount:
		return bytes.Clone(k.account), nil
	case KeyCustom:
		return k.customKey(create)
	case KeyOrganisation:
		return k.orgSecret(create)
	}
	return k.ask(prompt, create)
}

func (k *keyChooser) customKey(create bool) ([]byte, error) {
	typed := ""
	if create {
		key, err := newCustomKey()
		if err != nil {
			return nil, err
		}
		if err := k.show(key); err != nil {
			return nil, err
		}
		typed = key
	} else {
		b, err := k.ask("The archive key Cairn showed when this archive was made (13 groups of letters and digits): ", false)
		if err != nil {
			return nil, err
		}
		typed = string(b)
	}
	c, err := canonicalCustomKey(typed)
	k.custom = c
	return c, err
}

// explain puts a wrong password in the words of the key mode.
func (k *keyChooser) explain(err error) error {
	if !errors.Is(err, engine.ErrWrongPassword) {
		return err
	}
	switch k.mode {
	case KeyAccount:
		return fmt.Errorf("your account password does not open this device's archive: it was made with another password (a separate archive password, or your account password before it was changed); add the destination with the key option \"password\" and type that one, or ask IT to recover it if you left the key with the organisation: %w", err)
	case KeyCustom:
		return fmt.Errorf("that key does not open this device's archive: %w", err)
	case KeyOrganisation:
		return fmt.Errorf("the key your organisation keeps for this device does not open its archive (the archive was made with another key option): add the destination with the key option it was made with: %w", err)
	}
	return err
}

// migrateKeyFiles moves what older versions of Cairn cached in files
// (keys/<archive>.key, keys/server-<destination>.token) into the secrets
// store, and removes the files.
func (d *Device) migrateKeyFiles() error {
	dir := filepath.Join(d.home, "keys")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the old key folder %s: %w", dir, err)
	}
	for _, e := range entries {
		name, ok := legacySecretName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if err := d.migrateKeyFile(filepath.Join(dir, e.Name()), name); err != nil {
			return err
		}
	}
	os.Remove(dir) // once empty
	return nil
}

func (d *Device) migrateKeyFile(path, name string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if strings.HasPrefix(name, "server-token-") {
		b = bytes.TrimSpace(b)
	}
	if err := d.secrets.Set(name, b); err != nil {
		return fmt.Errorf("move %s into %s: %w", path, secrets.Describe(d.secrets), err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove %s, now kept in %s: %w", path, secrets.Describe(d.secrets), err)
	}
	return nil
}

// legacySecretName is the secret a file of the old keys/ folder becomes.
func legacySecretName(file string) (string, bool) {
	if rest, ok := strings.CutPrefix(file, "server-"); ok {
		if dest, ok := strings.CutSuffix(rest, ".token"); ok && dest != "" {
			return tokenName(dest), true
		}
	}
	if id, ok := strings.CutSuffix(file, ".key"); ok && id != "" {
		return archiveKeyName(id), true
	}
	return "", false
}

// forgetArchiveKey removes the keys of a destination's archive from this
// computer, unless another destination uses the same archive. Best
// effort, as removing the files was.
func (d *Device) forgetArchiveKey(dst *config.Destination) {
	for _, o := range d.conf().Destinations {
		if o.Name != dst.Name && o.ArchiveID == dst.ArchiveID {
			return
		}
	}
	d.secrets.Delete(archiveKeyName(dst.ArchiveID))
	d.secrets.Delete(customKeyName(dst.ArchiveID))
}

// KeyOptions say how a server archive's key is protected, and whether it is
// left with the organisation.
type KeyOptions struct {
	// Mode protects the archive key; "" is KeyAccount, CrashPlan's default:
	// one password for the person.
	Mode KeyMode
	// ShowCustomKey shows a new custom key to the person, once, for them
	// to write down (KeyCustom creating an archive; required then).
	ShowCustomKey func(key string) error
	// Escrow seals the archive key to the organisation's escrow public key
	// and leaves it with the server, so that the organisation can recover
	// a forgotten password. Only when the person chooses it.
	Escrow bool
	// EscrowFingerprint, when set, is the escrow key's fingerprint the
	// organisation published: a server that offers another key is refused.
	// Otherwise the key is trusted as the server is (it comes over the
	// connection whose certificate is pinned or vouched for).
	EscrowFingerprint string
}

// AddServerDestinationWithKey is AddServerDestination with a choice of
// what protects the archive key (AddServerDestination is KeyPassword,
// without escrow). archivePassword is asked only in KeyPassword mode, and
// in KeyCustom mode for the key of an existing archive.
func (d *Device) AddServerDestinationWithKey(ctx context.Context, s ServerSignIn, k KeyOptions, archivePassword PasswordFunc, kdf crypt.KDFParams) (AddResult, error) {
	var err error
	if k.Mode, err = ssoKeyMode(s, k.Mode); err != nil {
		return AddResult{}, err
	}
	if k.Mode == "" {
		k.Mode = KeyAccount
	}
	if _, err := ParseKeyMode(string(k.Mode)); err != nil {
		return AddResult{}, err
	}
	if k.Mode == KeyCustom && k.ShowCustomKey == nil {
		return AddResult{}, errors.New("a custom key must be shown to the person: no way to show it was given")
	}
	var pub *remote.EscrowKey
	if k.Escrow {
		var err error
		if s, pub, err = d.escrowKeyOf(ctx, s, k.EscrowFingerprint); err != nil {
			return AddResult{}, err
		}
	}
	ch := &keyChooser{mode: k.Mode, show: k.ShowCustomKey, ask: archivePassword}
	if k.Mode == KeyOrganisation {
		ch.org = &orgKey{ctx: ctx}
		s.opened = ch.org.opened
	}
	askAccount := s.Password
	s.Password = func() ([]byte, error) {
		pw, err := askAccount()
		ch.account = pw
		return pw, err
	}
	res, err := d.addServer(ctx, s, "", ch.password, kdf)
	if err != nil {
		return res, ch.explain(err)
	}
	return res, d.keepKeyChoice(ctx, s.Name, ch, pub)
}

// escrowKeyOf fetches the organisation's escrow key before anything is
// made, so that a server without escrow is said at once. The certificate
// is trusted here (asked once), and s pinned to it for the sign-in.
func (d *Device) escrowKeyOf(ctx context.Context, s ServerSignIn, published string) (ServerSignIn, *remote.EscrowKey, error) {
	fp, err := d.trust(ctx, s)
	if err != nil {
		return s, nil, err
	}
	s.Fingerprint = fp
	pub, err := remote.FetchEscrowKey(ctx, s.URL, fp)
	if errors.Is(err, engine.ErrNotFound) {
		return s, nil, fmt.Errorf("%s offers no key escrow (its administrator has not set it up): add it without escrow, or ask IT", s.URL)
	}
	if err != nil {
		return s, nil, fmt.Errorf("get the organisation's escrow key from %s: %w", s.URL, err)
	}
	if published != "" {
		want, err1 := remote.ParseFingerprint(published)
		got, _ := remote.ParseFingerprint(pub.Fingerprint())
		if err1 != nil || want != got {
			return s, nil, fmt.Errorf("the server's escrow key has fingerprint %s, not %s as expected: nothing was changed; ask IT", pub.Fingerprint(), published)
		}
	}
	return s, &pub, nil
}

// keepKeyChoice finishes adding a destination: it keeps a custom key in the
// secrets store and leaves the archive key in escrow. If escrow fails the
// destination is dropped again: the person chose escrow, and must not
// believe it done.
func (d *Device) keepKeyChoice(ctx context.Context, name string, ch *keyChooser, pub *remote.EscrowKey) error {
	dst, err := d.conf().Destination(name)
	if err != nil {
		return err
	}
	if ch.custom != nil {
		if err := d.secrets.Set(customKeyName(dst.ArchiveID), ch.custom); err != nil {
			return fmt.Errorf("the destination was added, but Cairn could not keep your custom key (keep the copy you wrote down): %w", err)
		}
	}
	if pub != nil {
		if err := d.escrow(ctx, dst, *pub); err != nil {
			d.dropDestination(name)
			return fmt.Errorf("leave the archive key with the organisation: %w; the destination was not added, try again", err)
		}
	}
	return d.update(func(c *config.Config) error {
		x, err := c.Destination(name)
		if err != nil {
			return err
		}
		x.KeyMode, x.Escrowed = string(ch.mode), pub != nil
		return nil
	})
}

// escrow seals the archive key of a server destination to pub and leaves
// it with the server.
func (d *Device) escrow(ctx context.Context, dst *config.Destination, pub remote.EscrowKey) error {
	r, _, err := d.repo(ctx, dst.Name)
	if err != nil {
		return err
	}
	b, ok := r.Backend().(*remote.Backend)
	if !ok {
		return fmt.Errorf("destination %q is not a server", dst.Name)
	}
	m, err := d.cachedKey(dst.ArchiveID)
	if err != nil {
		return err
	}
	sealed, err := remote.SealEscrow(pub, remote.Escrowed{ArchiveID: dst.ArchiveID, DeviceID: dst.DeviceID, Key: m[:]})
	if err != nil {
		return err
	}
	return b.PutEscrow(ctx, pub, sealed)
}

// Escrowed says whether a server destination's archive key is left with
// the organisation, and sealed to which escrow key; an error wrapping
// engine.ErrNotFound when it is not.
func (d *Device) Escrowed(ctx context.Context, dest string) (remote.EscrowStatus, error) {
	r, dst, err := d.repo(ctx, dest)
	if err != nil {
		return remote.EscrowStatus{}, err
	}
	b, ok := r.Backend().(*remote.Backend)
	if !ok {
		return remote.EscrowStatus{}, fmt.Errorf("destination %q is a folder: only a server can hold a key in escrow", dst.Name)
	}
	return b.Escrow(ctx)
}
