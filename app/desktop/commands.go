package desktop

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
)

// Commands makes the function that runs cairn commands sent to the app,
// against the app's device and service; it returns the command's exit
// code. The commands live in package main (app/cairn), which provides it.
type Commands func(dev *device.Device, svc *service.Service) func(ctx context.Context, c *control.Call) int

// handler answers the control socket: show brings the window forward, run
// runs a command.
type handler struct {
	d   *App
	run func(ctx context.Context, c *control.Call) int // nil: commands are refused
}

func (d *App) handler(commands Commands) *handler {
	h := &handler{d: d}
	if commands != nil {
		h.run = commands(d.dev, d.svc)
	}
	return h
}

func (h *handler) Show() bool {
	fyne.Do(func() { h.d.open("") })
	return true
}

func (h *handler) Run(ctx context.Context, c *control.Call) int {
	if h.run == nil {
		fmt.Fprintln(c.Stderr, "cairn: the running Cairn app cannot run commands: quit it (tray menu → Quit) and run the command again")
		return 1
	}
	return h.run(ctx, c)
}
