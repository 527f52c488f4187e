package home

import (
	"context"
	"net/url"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
)

// Device reports on the destinations. *device.Device satisfies it. Status
// reads the index and reaches servers: the screen calls it off the UI
// thread.
type Device interface {
	Status(ctx context.Context) device.Status
	// FullDiskAccessMissing says macOS keeps Mail, Messages and Safari
	// from Cairn (always false elsewhere); it lists folders, so the screen
	// calls it off the UI thread.
	FullDiskAccessMissing() bool
}

// Service is the running backup agent. *service.Service satisfies it. Its
// methods are safe from any goroutine and return at once; Subscribe's fn
// is called from the service's goroutine.
type Service interface {
	State() service.State
	Subscribe(fn func(service.State)) (cancel func())
	BackupNow()
	Pause(d time.Duration)
	Resume()
}

// Deps are what the Home screen needs.
type Deps struct {
	Device  Device
	Service Service
	// OpenManageFiles shows the Manage Files screen ("Change…" under What
	// is selected).
	OpenManageFiles func()
	// AddDestination starts choosing a destination, when there is none.
	AddDestination func()
	// OpenURL opens System Settings for Full Disk Access; nil means the
	// app's OpenURL.
	OpenURL func(*url.URL)
	// Now is the clock for "Safe as of 14:02"; nil means time.Now.
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

func (d Deps) openURL(u *url.URL) {
	if d.OpenURL != nil {
		d.OpenURL(u)
		return
	}
	fyne.CurrentApp().OpenURL(u)
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
