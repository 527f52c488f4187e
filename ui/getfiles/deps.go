package getfiles

import (
	"context"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
)

// Destinations names the places this computer backs up to.
type Destinations interface {
	// Config returns a copy of the configuration; cheap, no disk access.
	Config() config.Config
}

// Browser reads what a destination's backup holds. Its methods read the
// local index and may take a while on a large backup: call them off the UI
// thread. Safe for concurrent use.
type Browser interface {
	List(ctx context.Context, dest, path string, view index.View, recursive bool, fn func(index.Entry) error) error
	Lookup(ctx context.Context, dest, path string, view index.View) (index.Entry, bool, error)
	Search(ctx context.Context, dest, under, query string, view index.View, max int, fn func(index.Entry) error) error
	Versions(ctx context.Context, dest, path string) ([]engine.Version, error)
}

// Restorer writes versions back to disk. Restore blocks until done or
// cancelled, calling opts.Progress and opts.FileError from its own
// goroutines.
type Restorer interface {
	Restore(ctx context.Context, dest string, opts restore.Options) (restore.Result, error)
}

// Engine is what the screen asks of the engine; *device.Device satisfies it.
type Engine interface {
	Destinations
	Browser
	Restorer
}

// Deps is what the app gives the screen.
type Deps struct {
	Engine Engine
	// UserHome is the person's home folder in the archive's form
	// ("/home/ana", "/C:/Users/ana"): the tree opens down to it.
	UserHome string
	// Downloads and Desktop are the folders (OS paths) offered under
	// "Save to"; a restore creates them when missing.
	Downloads, Desktop string
	// OpenFolder shows a folder (OS path) in the system's file manager; nil
	// hides the "Open folder" buttons.
	OpenFolder func(path string)
	// Now is the clock for "2 min ago"-style times; default time.Now.
	Now func() time.Time
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
