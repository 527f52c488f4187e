package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
)

// owner runs the commands other cairn processes send to the process that
// holds the index (the desktop app or `cairn daemon`), against its open
// device, as they would run alone.
type owner struct {
	dev    *device.Device
	passes *betweenPasses
	dirs   *workdirs
	log    *slog.Logger // nil: commands are not logged
}

func newOwner(dev *device.Device, svc *service.Service, log *slog.Logger) *owner {
	return &owner{dev: dev, passes: newBetweenPasses(svc), dirs: newWorkdirs(), log: log}
}

// ownerCommands gives the desktop app its command runner: the commands
// live in this package.
func ownerCommands(dev *device.Device, svc *service.Service) func(context.Context, *control.Call) int {
	return newOwner(dev, svc, nil).run
}

// run runs one command sent by another cairn.
func (o *owner) run(ctx context.Context, c *control.Call) int {
	if len(c.Args) == 0 {
		return unknown(c.Stderr, "")
	}
	null, err := os.Open(os.DevNull) // questions go through c.Ask
	if err != nil {
		return report(c.Stderr, err)
	}
	defer null.Close()
	e := &env{home: o.dev.Home(), stdout: c.Stdout, stderr: c.Stderr, stdin: null, getenv: c.Getenv, dev: o.dev,
		ask: c.Ask, stdinTTY: c.StdinTerminal, stderrTTY: c.StderrTerminal, width: c.Width}
	code := o.runIn(ctx, e, c)
	if o.log != nil {
		o.log.Info("command", "name", c.Args[0], "exit", code)
	}
	return code
}

func (o *owner) runIn(ctx context.Context, e *env, c *control.Call) int {
	if changesArchives(c.Args) {
		var note io.Writer
		if c.StderrTerminal {
			note = e.stderr
		}
		release, err := o.passes.hold(ctx, note)
		if err != nil {
			return report(e.stderr, err)
		}
		defer release()
	}
	leave, err := o.dirs.enter(ctx, c.Dir)
	if err != nil {
		return report(e.stderr, err)
	}
	defer leave()
	return dispatch(ctx, e, c.Args)
}

// changesArchives says whether a command writes to the archives or the
// index, or reads all of an archive (a pass's pruning would make verify
// see packs vanish): those run between the service's passes.
func changesArchives(args []string) bool {
	switch args[0] {
	case "backup", "prune", "repair-index", "verify":
		return true
	case "dest":
		return len(args) > 1 && args[1] != "list"
	}
	return false
}

// betweenPasses runs commands that change the archives between the
// service's passes, one at a time (service.Hold): a command waits for the
// pass under way to finish (it is the same work, and stopping it would
// waste it), and no pass starts until the command ends.
type betweenPasses struct {
	svc *service.Service
}

func newBetweenPasses(svc *service.Service) *betweenPasses { return &betweenPasses{svc: svc} }

// hold waits for the service to be between passes and returns the function
// that lets passes run again. On a terminal, note says what it waits for.
func (b *betweenPasses) hold(ctx context.Context, note io.Writer) (release func(), err error) {
	if note != nil && b.svc.State().Phase == service.BackingUp {
		fmt.Fprint(note, "Waiting for the backup under way to finish…")
		defer fmt.Fprint(note, "\r\x1b[K")
	}
	return b.svc.Hold(ctx)
}

// workdirs runs commands in their callers' working directories, so that
// relative paths mean what they mean alone. The working directory belongs
// to the process, so commands from different directories take turns, and
// commands from the same one run together. Between commands the process
// goes back to where it started: it keeps no removable drive busy.
type workdirs struct {
	mu    sync.Mutex
	start string
	cur   string
	users int
	freed chan struct{} // closed when users drops to 0
}

func newWorkdirs() *workdirs {
	start, _ := os.Getwd()
	return &workdirs{start: start, cur: start, freed: make(chan struct{})}
}

// enter waits until the process can work in dir, and returns the function
// that gives the turn back.
func (w *workdirs) enter(ctx context.Context, dir string) (leave func(), err error) {
	if dir == "" {
		dir = w.start
	}
	for {
		w.mu.Lock()
		if w.users == 0 && w.cur != dir {
			if err := os.Chdir(dir); err != nil {
				w.mu.Unlock()
				return nil, fmt.Errorf("cannot work in your folder %s: %w", dir, err)
			}
			w.cur = dir
		}
		if w.cur == dir {
			w.users++
			w.mu.Unlock()
			return w.leave, nil
		}
		wait := w.freed
		w.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (w *workdirs) leave() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.users--
	if w.users > 0 {
		return
	}
	if w.cur != w.start && os.Chdir(w.start) == nil {
		w.cur = w.start
	}
	close(w.freed)
	w.freed = make(chan struct{})
}
