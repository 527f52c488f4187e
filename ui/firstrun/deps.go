package firstrun

import (
	"time"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/ui/destform"
	"github.com/cairnbackup/cairn/ui/replace"
)

// Engine is what the first run asks of the engine; *device.Device
// satisfies it. The forms and the wizard call the blocking methods off the
// UI thread; so does the first run for AddFiles, which writes the
// configuration.
type Engine interface {
	destform.Engine
	replace.Engine
	// Selection and AddFiles select the home folder of a new computer,
	// unless something is selected already; SetSelection adds the
	// organisation's exclusions.
	Selection() selection.Selection
	AddFiles(paths ...string) error
	SetSelection(s selection.Selection) error
}

// Deps are what the first run needs from the app.
type Deps struct {
	Engine Engine
	// KDF is the key derivation cost of a new archive: crypt.DefaultKDF in
	// the app, crypt.TestKDF in tests.
	KDF crypt.KDFParams
	// UserHome is the person's home folder (an OS path), selected for
	// backup on a new computer.
	UserHome string
	// Preset is the organisation's (config.LoadPreset): with a server in
	// it, a new computer is offered that server, its address and
	// fingerprint filled in and locked; its exclusions join the defaults
	// of a new computer's selection. The zero Preset changes nothing.
	Preset config.Preset
	// OnFinished is called once there is a destination and a selection
	// (or the replace wizard finished): the app starts the first backup
	// and shows Home.
	OnFinished func()
	// Now is the clock for the wizard's times; nil means time.Now.
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
