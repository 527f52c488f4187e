package device

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// The replace-device wizard, in the engine: this computer takes over the
// archive of one it replaces (adopts it), brings over files and settings
// from it, and then goes on backing up into the same archive, so the old
// computer's history stays browsable. Until FinishReplace no backup runs,
// and the old computer's files that were not brought over are never
// recorded deleted for being missing here (config.Destination.Adopted).

// ErrReplacing means a backup was asked for while the replace-device wizard
// is unfinished.
var ErrReplacing = errors.New("finish replacing your old computer first (Cairn's replace-device wizard), then backups start again")

// Settings that can be brought over from the old computer.
const (
	TransferSelection  = "selection"  // the folders chosen for backup
	TransferExclusions = "exclusions" // the exclusion patterns
	TransferFrequency  = "frequency"  // how often, the verification time, the versions kept
)

// AccountDevices signs in to a server without registering this computer
// and lists the account's devices that can be replaced (not retired). The
// fingerprint returned is the certificate trusted; pass it as
// s.Fingerprint to AdoptServerDevice so the person is not asked twice.
//
// With s.SSO the person signs in through the organisation (in the browser,
// or by a code on another device), once: the server's session is kept in
// memory for AdoptServerDevice with the same URL and device name, for 10
// minutes (sso_replace.go).
func (d *Device) AccountDevices(ctx context.Context, s ServerSignIn) ([]remote.Device, string, error) {
	fp, err := d.trust(ctx, s)
	if err != nil {
		return nil, "", err
	}
	var all []remote.Device
	if s.SSO {
		if s.Device == "" {
			s.Device, _ = os.Hostname() // as addServer names it
		}
		all, err = d.ssoAccountDevices(ctx, s, fp)
	} else {
		all, err = d.passwordAccountDevices(ctx, s, fp)
	}
	if err != nil {
		return nil, "", err
	}
	active := slices.DeleteFunc(all, func(x remote.Device) bool { return x.Retired != 0 })
	return active, fp, nil
}

func (d *Device) passwordAccountDevices(ctx context.Context, s ServerSignIn, fp string) ([]remote.Device, error) {
	pw, err := s.Password()
	if err != nil {
		return nil, err
	}
	all, err := remote.AccountDevices(ctx, s.URL, fp, s.User, string(pw))
	if err != nil {
		return nil, fmt.Errorf("sign in to %s as %s: %w", s.URL, s.User, err)
	}
	return all, nil
}

// AdoptServerDevice takes over one of the account's devices (deviceID) and
// its archive: the server gives the device this computer's name and signs
// the old computer out. The archive is unlocked with the account password
// or, when that does not open it, with what archivePassword returns (the
// old computer's archive password or kept key; it is not called for an
// archive the account password protects), read into the index, and the
// wizard begins (Replacing). With s.SSO it uses the sign-in AccountDevices
// kept, so the person does not sign in again (no account password then:
// the organisation's key or the archive password opens the archive).
func (d *Device) AdoptServerDevice(ctx context.Context, s ServerSignIn, deviceID string, archivePassword PasswordFunc, kdf crypt.KDFParams) (AddResult, error) {
	if d.conf().Replace != nil {
		return AddResult{}, errors.New("this computer is already taking over another one: finish that first")
	}
	if s.SSO && s.Device == "" {
		s.Device, _ = os.Hostname()
	}
	res, err := d.addServer(ctx, s, deviceID, archivePassword, kdf)
	if err == nil && s.SSO {
		d.forgetReplace(s.URL)
	}
	return res, err
}

// AskError is what AdoptServerDevice returns when its password function
// failed (a wizard that asks the person only once it knows it must). It
// says whether the organisation holds the archive's key in escrow, so
// that the person can be told IT can recover a password nobody knows.
type AskError struct {
	Escrowed bool
	Err      error
}

func (e *AskError) Error() string { return e.Err.Error() }
func (e *AskError) Unwrap() error { return e.Err }

// escrowed says whether the server holds the archive key of the device b
// is signed in as, sealed to the organisation's escrow key.
func escrowed(ctx context.Context, b store.Backend) bool {
	rb, ok := b.(*remote.Backend)
	if !ok {
		return false
	}
	_, err := rb.Escrow(ctx)
	return err == nil
}

// unlockAdopted opens an adopted server archive with the secret that
// protects it, which only the old computer knew: first the key the
// organisation keeps for the device (KeyOrganisation), then the account
// password (the key option most archives use, so that nobody is asked for
// a second password that does not exist), then, only if that does not
// open it, what the person types: the old computer's archive password, or
// the key Cairn showed it once (read in the form that wrapped it). The
// mode returned is the key option that opened it.
func unlockAdopted(ctx context.Context, b store.Backend, account []byte, ask PasswordFunc) (crypt.MasterKey, KeyMode, error) {
	if m, ok, err := unlockWithOrgKey(ctx, b); ok || err != nil {
		return m, KeyOrganisation, err
	}
	m, err := repo.Unlock(ctx, b, account)
	if err == nil || !errors.Is(err, engine.ErrWrongPassword) {
		return m, KeyAccount, err
	}
	typed, err := ask("Your account password does not open the old computer's archive. Its archive password, or the key you kept: ", false)
	if err != nil {
		return m, "", &AskError{Escrowed: escrowed(ctx, b), Err: err}
	}
	if key, err := canonicalCustomKey(string(typed)); err == nil {
		m, err := repo.Unlock(ctx, b, key)
		if err == nil || !errors.Is(err, engine.ErrWrongPassword) {
			return m, KeyCustom, err
		}
	}
	m, err = repo.Unlock(ctx, b, typed)
	if err != nil {
		return m, "", fmt.Errorf("neither your account password nor the password typed opens the old computer's archive: %w", err)
	}
	return m, KeyPassword, nil
}

// AdoptFolder takes over the archive a computer made in a folder or on a
// drive: like AddFolderDestination, but the folder must hold an archive, and
// the wizard begins (Replacing).
func (d *Device) AdoptFolder(ctx context.Context, name, path string, password PasswordFunc) (AddResult, error) {
	if d.conf().Replace != nil {
		return AddResult{}, errors.New("this computer is already taking over another one: finish that first")
	}
	return d.addFolder(ctx, name, path, password, crypt.KDFParams{}, true)
}

// replaceState is the wizard's state for an adopted destination, with
// what the old computer said about itself.
func (d *Device) replaceState(ctx context.Context, dest string) *config.ReplaceState {
	st := &config.ReplaceState{Destination: dest, Step: config.ReplaceChoose, Started: time.Now().UTC()}
	if p, ok, err := d.ReadProfile(ctx, dest); err == nil && ok {
		st.OldDevice, st.OldOS, st.OldHome = p.Device, p.OS, p.Home
	} else {
		st.OldHome = d.guessHome(ctx, dest)
	}
	return st
}

// guessHome finds the old computer's home folder in an archive made
// before profiles existed: the only user folder under /home, /Users or
// X:/Users ("" when there is not exactly one).
func (d *Device) guessHome(ctx context.Context, dest string) string {
	var found []string
	children := func(dir string) []string {
		var out []string
		d.List(ctx, dest, dir, index.View{At: index.Latest}, false, func(e index.Entry) error {
			if e.Version.Type == engine.TypeDir {
				out = append(out, e.Version.Path)
			}
			return nil
		})
		return out
	}
	for _, top := range children("/") {
		base := path.Base(top)
		var users string
		switch {
		case base == "home" || base == "Users":
			users = top
		case len(base) == 2 && base[1] == ':':
			users = top + "/Users"
		default:
			continue
		}
		for _, h := range children(users) {
			if b := path.Base(h); b != "Shared" && b != "Public" && b != "Default" && b != "All Users" {
				found = append(found, h)
			}
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// Replacing returns the unfinished wizard's state, or nil.
func (d *Device) Replacing() *config.ReplaceState {
	return d.conf().Clone().Replace
}

// ChooseTransfer records what to bring over from the old computer: files
// (archive paths; none: no files), into their places (to "") or into a
// folder, and which settings (Transfer* names). The wizard moves on to the
// transfer step, which Transfer runs and resumes.
func (d *Device) ChooseTransfer(files []string, to string, settings []string) error {
	for _, s := range settings {
		if s != TransferSelection && s != TransferExclusions && s != TransferFrequency {
			return fmt.Errorf("%q is not a setting that can be brought over", s)
		}
	}
	for _, f := range files {
		if !strings.HasPrefix(f, "/") {
			return fmt.Errorf("%q is not an absolute archive path", f)
		}
	}
	return d.update(func(c *config.Config) error {
		if c.Replace == nil {
			return errors.New("no device is being replaced")
		}
		c.Replace.Files, c.Replace.FilesTo, c.Replace.Settings = files, to, settings
		c.Replace.Step = config.ReplaceTransfer
		return nil
	})
}

// TransferOptions are the caller's hooks for Transfer.
type TransferOptions struct {
	Progress  func(restore.Progress)
	FileError func(engine.FileError)
}

// Transfer brings over what ChooseTransfer chose: the settings, then the
// files, as of the newest backup. Files already in place are not written
// again, so a transfer cut off (closed, cancelled, a crash) is resumed by
// calling Transfer again. A file of the same name that this computer has
// already is moved aside, never overwritten.
func (d *Device) Transfer(ctx context.Context, o TransferOptions) (restore.Result, error) {
	st := d.conf().Replace
	if st == nil || st.Step != config.ReplaceTransfer {
		return restore.Result{}, errors.New("choose what to bring over first")
	}
	p, ok, err := d.ReadProfile(ctx, st.Destination)
	if err != nil {
		return restore.Result{}, fmt.Errorf("read the old computer's settings: %w", err)
	}
	if ok && len(st.Settings) > 0 {
		if err := d.update(func(c *config.Config) error { return d.applyProfile(c, p, st.Settings) }); err != nil {
			return restore.Result{}, err
		}
	}
	if len(st.Files) == 0 {
		return restore.Result{}, nil
	}
	skip, err := d.ownFilesSkip(st, p)
	if err != nil {
		return restore.Result{}, err
	}
	opts := restore.Options{Paths: st.Files, View: index.View{At: index.Latest}, To: st.FilesTo, Skip: skip,
		Conflict: restore.Rename, Perms: restore.Original, Progress: o.Progress, FileError: o.FileError}
	if st.FilesTo == "" && st.OldHome != "" {
		opts.Rebase = restore.Rebase{From: st.OldHome, To: toSlash(d.userDir)}
	}
	return d.Restore(ctx, st.Destination, opts)
}

// applyProfile takes the chosen settings from the old computer's profile,
// its home folder's paths moved to this computer's.
func (d *Device) applyProfile(c *config.Config, p Profile, what []string) error {
	rebase := func(s string) string { return rebasePath(s, p.Home, toSlash(d.userDir)) }
	for _, w := range what {
		switch w {
		case TransferSelection:
			c.Selection.Include = nil
			for _, inc := range p.Selection.Include {
				c.Selection.Include = append(c.Selection.Include, rebase(inc))
			}
		case TransferExclusions:
			c.Selection.Exclude = nil
			for _, x := range p.Selection.Exclude {
				c.Selection.Exclude = append(c.Selection.Exclude, rebase(x))
			}
			if p.OS == d.goos { // another system's defaults would not fit this one
				c.Selection.Defaults = slices.Clone(p.Selection.Defaults)
			}
		case TransferFrequency:
			if p.BackupEvery > 0 {
				c.BackupEvery = p.BackupEvery
			}
			if p.VerifyAt != "" {
				c.VerifyAt = p.VerifyAt
			}
			if p.Retention.Validate() == nil {
				c.Retention = p.Retention
			}
		}
	}
	_, err := c.Selection.Matcher(d.goos, toSlash(d.userDir))
	if err != nil {
		return fmt.Errorf("the old computer's settings do not fit this one: %w", err)
	}
	return nil
}

// rebasePath moves p from under the folder from to the same place under
// to; anything else is returned as it is.
func rebasePath(p, from, to string) string {
	if from == "" || from == to {
		return p
	}
	if p == from {
		return to
	}
	if rest, ok := strings.CutPrefix(p, from+"/"); ok {
		return to + "/" + rest
	}
	return p
}

// FinishReplace ends the wizard; backups start again. What was not brought
// over stays in the archive, restorable. With nothing selected (the old
// selection was not brought over), the home folder is, as on a first run.
func (d *Device) FinishReplace() error {
	return d.update(func(c *config.Config) error {
		c.Replace = nil
		if len(c.Selection.Include) == 0 && d.userDir != "" {
			c.Selection.Include = []string{toSlash(d.userDir)}
		}
		return nil
	})
}
