package managefiles

import (
	"context"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/selection"
)

// Engine is what the screen asks of the engine; *device.Device satisfies
// it. Its methods may be called from any goroutine: the screen calls
// Selection on the UI thread, SetSelection and EstimateSelection from its
// own goroutines.
type Engine interface {
	// Selection returns the saved selection.
	Selection() selection.Selection
	// SetSelection saves a whole selection, after checking its patterns.
	SetSelection(s selection.Selection) error
	// EstimateSelection counts what the saved selection holds on disk.
	EstimateSelection(ctx context.Context, progress func(device.Estimate)) (device.Estimate, error)
}

// Deps are the screen's dependencies.
type Deps struct {
	Engine Engine
	// UserHome is the person's home folder as the system writes it
	// ("/home/ana", `C:\Users\ana`): the tree opens down to it, and "~" in
	// patterns stands for it. It must be the folder the engine was opened
	// with.
	UserHome string
	// GOOS names the system whose default exclusions "Restore the
	// defaults" puts back, and whose case rules patterns follow; empty means
	// runtime.GOOS. Tests set it to check other systems' lists.
	GOOS string
}
