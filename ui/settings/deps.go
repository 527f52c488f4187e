package settings

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/ui/destform"
)

// Engine is what Settings changes. *device.Device satisfies it. Config and
// Settings return copies from memory; the other methods write to disk or
// reach a server, and the screen calls them off the UI thread.
type Engine interface {
	destform.Engine // Config, AddFolderDestination, AddServerDestinationWithKey
	// SecretsDescription says where this computer keeps keys: the engine's
	// words for the system keyring or a private file.
	SecretsDescription() string
	Settings() device.Settings
	SetSettings(s device.Settings) error
	// RemoveDestination forgets a destination (signing out of a server).
	RemoveDestination(name string) error
	ChangePassword(ctx context.Context, name string, oldPw, newPw []byte, kdf crypt.KDFParams) error
}

// Deps are what the Settings screen needs.
type Deps struct {
	Engine Engine
	// KDF is the key derivation cost of new archives and new passwords:
	// crypt.DefaultKDF in the app, crypt.TestKDF in tests.
	KDF crypt.KDFParams
	// DestinationsChanged, when set, is told after a destination was added
	// or removed, so the shell can refresh Home and the tray.
	DestinationsChanged func()
	// ScanNow, when set, starts a scan of everything selected at once
	// (service.BackupNow); nil hides the Scan now button.
	ScanNow func()
	// Saved, when set, is told after the settings were saved (the app
	// turns starting at login on or off).
	Saved func()
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
