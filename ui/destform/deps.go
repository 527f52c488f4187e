package destform

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// Engine adds destinations. *device.Device satisfies it. The Add methods
// block on disk, network and key derivation: the forms call them from a
// goroutine of their own, never from the UI thread.
type Engine interface {
	// Config gives the names in use, so a new destination gets its own.
	Config() config.Config
	AddFolderDestination(ctx context.Context, name, path string, password device.PasswordFunc, kdf crypt.KDFParams) (device.AddResult, error)
	// AddServerDestinationWithKey signs in to a server with a choice of
	// what protects the archive key; it calls k.ShowCustomKey and asks
	// archivePassword from its own goroutine, and waits for the answers.
	AddServerDestinationWithKey(ctx context.Context, s device.ServerSignIn, k device.KeyOptions, archivePassword device.PasswordFunc, kdf crypt.KDFParams) (device.AddResult, error)
	// ServerMethods asks a server how people sign in to it (a password,
	// the organisation's single sign-on), trusting its certificate as a
	// sign-in does; it returns the fingerprint trusted.
	ServerMethods(ctx context.Context, s device.ServerSignIn) (remote.Methods, string, error)
}

// Deps are what a form needs.
type Deps struct {
	Engine Engine
	// KDF is the key derivation cost of a new archive: crypt.DefaultKDF in
	// the app, crypt.TestKDF in tests.
	KDF crypt.KDFParams
	// Preset is the organisation's (config.LoadPreset): the server form
	// starts with its address and fingerprint, which cannot be changed,
	// and its key option and escrow chosen. The zero Preset changes
	// nothing.
	Preset config.Preset
	// Do runs f on the UI thread; nil means fyne.Do. Tests give a queue
	// their own goroutine runs, because Fyne's test driver runs fyne.Do at
	// once on the calling goroutine.
	Do func(f func())
	// OpenURL opens the system's web browser, for signing in with the
	// organisation's account; nil means the app's OpenURL. Tests play the
	// browser.
	OpenURL func(*url.URL) error
}

// OnAdded is told the destination's name and what the engine did (a new
// archive, or one that existed and was read), on the UI thread.
type OnAdded func(name string, res device.AddResult)

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
