package desktop

import (
	"context"
	"errors"
	"net"

	"fyne.io/fyne/v2"

	"github.com/cairnbackup/cairn/app/control"
)

// One Cairn runs per person: the app, or `cairn daemon`. The one that runs
// owns the control socket in Cairn's home folder (app/control): a second
// start of the app asks it to show its window and leaves, and cairn
// commands run inside it.

// ErrRunning means another Cairn app is running; it was asked to show itself.
var ErrRunning = errors.New("Cairn is already running: its window was brought forward")

// ErrDaemonRunning means `cairn daemon` runs for this home: it has no
// window, and the app cannot run beside it.
var ErrDaemonRunning = errors.New("Cairn is already running as 'cairn daemon', which has no window: stop it, then start the app")

// claim makes this process the one Cairn for home and returns the
// listener to serve. When another one runs it is asked to show its window,
// and claim returns ErrRunning (or ErrDaemonRunning). Where there is no
// control socket (Windows, for now) it returns a nil listener: the index's
// own lock then keeps a second app out.
func claim(home string) (net.Listener, error) {
	l, err := control.Listen(home)
	switch {
	case errors.Is(err, control.ErrRunning):
		return nil, showRunning(home)
	case err != nil:
		fyne.LogError("listen for other starts of Cairn and cairn commands", err)
		return nil, nil
	}
	return l, nil
}

// showRunning asks the running Cairn to show its window.
func showRunning(home string) error {
	c, err := control.Dial(home)
	if err != nil {
		return control.ErrRunning // still starting, or not answering
	}
	defer c.Close()
	window, err := c.Show()
	switch {
	case err != nil:
		return control.ErrRunning
	case !window:
		return ErrDaemonRunning
	}
	return ErrRunning
}

// serve answers other starts of Cairn and cairn commands on l (nil:
// nothing to serve). Call it after Start: it puts itself first in d.stop,
// so shutdown stops answering, cancels the commands still running and
// waits for them before it stops the service and closes the device they
// use.
func (d *App) serve(l net.Listener, commands Commands) {
	if l == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := control.Serve(ctx, l, d.handler(commands)); err != nil {
			fyne.LogError("answer other starts of Cairn and cairn commands", err)
		}
	}()
	stopService := d.stop
	d.stop = func() {
		cancel()
		<-done
		stopService()
	}
}
