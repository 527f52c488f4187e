//go:build windows

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
)

const usage = `cairn-vss: Cairn's open-file helper, a Windows service.
  cairn-vss install    register the service (automatic start) and start it
  cairn-vss stop       stop it (the setup does before replacing it)
  cairn-vss uninstall  stop and remove it
  cairn-vss run        serve in this console, for trying it out (as an administrator)`

func main() {
	if len(os.Args) == 1 {
		if isService, err := svc.IsWindowsService(); err == nil && isService {
			if err := svc.Run(serviceName, &handler{}); err != nil {
				os.Exit(1)
			}
			return
		}
	}
	commands := map[string]func() error{"install": install, "stop": stop, "uninstall": uninstall, "run": runConsole}
	if len(os.Args) != 2 || commands[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	err := commands[os.Args[1]]()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cairn-vss:", err)
		os.Exit(1)
	}
}

// handler is the service's life as the service control manager sees it.
type handler struct{}

func (handler) Execute(args []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	logf := eventLogger()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, logf) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				// Deleting the shadow copies takes seconds each.
				status <- svc.Status{State: svc.StopPending, WaitHint: uint32(stopWait / time.Millisecond)}
				cancel()
				<-done
				return false, 0
			}
		case err := <-done:
			// Stopped on its own: a failure the recovery actions answer
			// by starting it again.
			logf("stopped: %v", err)
			return false, 1
		}
	}
}

// eventLogger writes to the Application event log under the service's
// name (install registers it), or nowhere when it cannot.
func eventLogger() func(string, ...any) {
	l, err := eventlog.Open(serviceName)
	if err != nil {
		return func(string, ...any) {}
	}
	return func(format string, args ...any) { l.Warning(1, fmt.Sprintf(format, args...)) }
}

func runConsole() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	return serve(ctx, logf)
}

// maxConns bounds the connections open at once, before Server knows
// whose they are (Limits.Conns bounds them after).
const maxConns = 64

// expireEvery is how often shadow copies past their age are deleted.
const expireEvery = time.Minute

// serve runs the service until ctx ends: it deletes what an earlier run
// left, listens, and on the way out deletes every shadow copy it made.
func serve(ctx context.Context, logf func(string, ...any)) error {
	var ledger Ledger = memLedger{}
	if dir, err := stateDir(); err != nil {
		logf("the shadow copies made are kept in memory only, so a crash may leave some: %v", err)
	} else {
		ledger = fileLedger{path: filepath.Join(dir, "snapshots.json")}
	}
	srv := NewServer(wmiMaker{}, ledger, Limits{}, time.Now, logf)
	srv.Recover(ctx)
	defer srv.Shutdown()
	l, err := listen()
	if err != nil {
		return err
	}
	stopListening := context.AfterFunc(ctx, func() { l.Close() })
	defer stopListening()
	var conns sync.WaitGroup
	defer conns.Wait() // before Shutdown: connections delete their own first
	go expire(ctx, srv)
	var active atomic.Int64
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accept: %w", err)
		}
		if active.Load() >= maxConns {
			c.Close() // Server bounds who is known; this bounds who is not yet
			continue
		}
		active.Add(1)
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer active.Add(-1)
			serveConn(ctx, srv, c)
		}()
	}
}

func serveConn(ctx context.Context, srv *Server, c net.Conn) {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	srv.Serve(ctx, c, func() (string, error) { return clientSID(c) })
}

func expire(ctx context.Context, srv *Server) {
	t := time.NewTicker(expireEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			srv.Expire()
		case <-ctx.Done():
			return
		}
	}
}
