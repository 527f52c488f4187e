package replace

import (
	"context"
	"net/url"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// Engine is what the wizard asks of the engine; *device.Device satisfies
// it. The methods taking a context block on disk, network or key
// derivation: the wizard calls them from a goroutine of its own. The rest
// read or write the configuration and return at once.
type Engine interface {
	// Config gives the destination names in use, so the adopted archive
	// gets a name of its own.
	Config() config.Config
	// ServerMethods asks a server how people sign in to it (a password,
	// the organisation's single sign-on), with the fingerprint trusted.
	ServerMethods(ctx context.Context, s device.ServerSignIn) (remote.Methods, string, error)
	// AccountDevices signs in to a server and lists the computers that can
	// be replaced, with the certificate fingerprint trusted. With s.SSO
	// the person signs in in the browser (or by a code on another device),
	// and AdoptServerDevice uses that sign-in: nothing is asked twice.
	AccountDevices(ctx context.Context, s device.ServerSignIn) ([]remote.Device, string, error)
	// AdoptServerDevice and AdoptFolder take over the old computer's
	// archive; the wizard begins.
	AdoptServerDevice(ctx context.Context, s device.ServerSignIn, deviceID string, archivePassword device.PasswordFunc, kdf crypt.KDFParams) (device.AddResult, error)
	AdoptFolder(ctx context.Context, name, path string, password device.PasswordFunc) (device.AddResult, error)
	// Replacing is where the wizard is; nil before the adoption and after
	// FinishReplace.
	Replacing() *config.ReplaceState
	// ReadProfile and List say what the old computer had: its system, home
	// folder and settings, and the folders in its home.
	ReadProfile(ctx context.Context, dest string) (device.Profile, bool, error)
	List(ctx context.Context, dest, path string, view index.View, recursive bool, fn func(index.Entry) error) error
	// ChooseTransfer, Transfer and FinishReplace are the wizard's last
	// steps. Transfer calls its hooks from its own goroutines.
	ChooseTransfer(files []string, to string, settings []string) error
	Transfer(ctx context.Context, o device.TransferOptions) (restore.Result, error)
	FinishReplace() error
}

// Deps are what the wizard needs from the app.
type Deps struct {
	Engine Engine
	// KDF is the key derivation cost, should the engine have to derive a
	// key: crypt.DefaultKDF in the app, crypt.TestKDF in tests.
	KDF crypt.KDFParams
	// UserHome is this computer's home folder (an OS path): the old
	// computer's files go to the same places under it.
	UserHome string
	// OnFinished is called once the wizard is finished (FinishReplace
	// done): the app starts a backup and shows Home.
	OnFinished func()
	// OnCancel is called when the person leaves the wizard before the old
	// computer's backup was taken over (nothing was changed). nil hides
	// the Cancel button.
	OnCancel func()
	// OpenURL opens the system's web browser, for signing in with the
	// organisation's account; nil means the app's OpenURL. Tests play the
	// browser.
	OpenURL func(*url.URL) error
	// Now is the clock for "last backup 14:02"; nil means time.Now.
	Now func() time.Time
	// Do runs f on the UI thread; nil means fyne.Do. Tests give a queue
	// their own goroutine runs, because Fyne's test driver runs fyne.Do at
	// once on the calling goroutine.
	Do func(f func())
}

func (d Deps) do(f func()) {
	if d.Do != nil {
		d.Do(f)
		return
	}
	fyne.Do(f)
}

func (d Deps) openURL(u *url.URL) error {
	if d.OpenURL != nil {
		return d.OpenURL(u)
	}
	return fyne.CurrentApp().OpenURL(u)
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
