package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/engine/alerts"
	"github.com/cairnbackup/cairn/engine/service"
)

// cmdDaemon runs the backup service without the desktop app (a computer
// without a desktop), and runs the commands other cairn processes send,
// until SIGINT or SIGTERM: then the pass under way stops (what it finished
// is kept), the commands running are cancelled, and the index is closed.
func cmdDaemon(ctx context.Context, e *env, args []string) error {
	fs := newFlags("daemon", e)
	home := fs.String("home", e.home, "Cairn's folder for configuration, index and keys (also CAIRN_HOME)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("cairn daemon takes no arguments")
	}
	if e.home, err = filepath.Abs(*home); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	l, err := control.Listen(e.home)
	switch {
	case errors.Is(err, control.ErrUnsupported):
		log.Warn("other cairn commands cannot reach this daemon here: stop it to use them", "err", err)
	case err != nil:
		return err
	default:
		defer l.Close()
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Device.Close()
	svc := service.NewWithOptions(d.Device, service.Options{Log: log, Alert: alerts.LogNotifier(log),
		AlertMemory: filepath.Join(e.home, "alerts.json")})
	defer svc.Subscribe(logPhases(log))()
	log.Info("started", "home", e.home)
	var wg sync.WaitGroup
	if l != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := control.Serve(ctx, l, daemonHandler{newOwner(d.Device, svc, log)}); err != nil {
				log.Error("the control socket failed: other cairn commands cannot reach this daemon", "err", err)
			}
		}()
	}
	svc.Serve(ctx)
	wg.Wait()
	log.Info("stopped")
	return nil
}

// daemonHandler answers other starts of cairn: it has no window to show.
type daemonHandler struct{ o *owner }

func (daemonHandler) Show() bool                                     { return false }
func (h daemonHandler) Run(ctx context.Context, c *control.Call) int { return h.o.run(ctx, c) }

// logPhases logs what the service's own pass log does not say: that there
// is nothing to back up yet, that backups are paused or wait, and why.
func logPhases(log *slog.Logger) func(service.State) {
	var mu sync.Mutex
	prev := service.Idle
	return func(st service.State) {
		mu.Lock()
		defer mu.Unlock()
		was := prev
		prev = st.Phase
		if st.Phase == was {
			return
		}
		switch st.Phase {
		case service.Setup:
			log.Info("nothing to back up yet: add a destination ('cairn dest add') and files ('cairn files add')", "problem", st.Problem)
		case service.Paused:
			log.Info("paused; what the pass under way finished is kept", "until", st.PausedUntil)
		case service.Waiting:
			log.Info("backups wait", "why", st.Problem)
		}
	}
}
