//go:build windows

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// stopWait bounds waiting for the service to stop: deleting its shadow
// copies takes a few seconds each.
const stopWait = 2 * time.Minute

// install registers this program as the service, starting at boot as the
// system, restarted when it fails, and starts it. Run again (an update),
// it points the service at this program and starts it.
func install() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	pf, _ := windows.KnownFolderPath(windows.FOLDERID_ProgramFiles, 0)
	if !installable(exe, pf) {
		return fmt.Errorf("%s is not below %s: a service runs as the system, so only a program administrators alone can change may be one (install Cairn for everyone)", exe, pf)
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run as an administrator): %w", err)
	}
	defer m.Disconnect()
	conf := mgr.Config{
		DisplayName:  "Cairn open-file helper",
		Description:  "Makes Volume Shadow Copies for Cairn, so it can back up files other programs keep open (Outlook's mailbox). Each person's Cairn reads only what that person may read.",
		StartType:    mgr.StartAutomatic,
		ErrorControl: mgr.ErrorNormal,
	}
	s, err := m.OpenService(serviceName)
	if err == nil {
		old, cerr := s.Config()
		if cerr == nil {
			old.BinaryPathName = exe
			old.DisplayName, old.Description, old.StartType = conf.DisplayName, conf.Description, conf.StartType
			cerr = s.UpdateConfig(old)
		}
		if cerr != nil {
			s.Close()
			return fmt.Errorf("update the service: %w", cerr)
		}
	} else {
		s, err = m.CreateService(serviceName, exe, conf)
		if err != nil {
			return fmt.Errorf("create the service: %w", err)
		}
	}
	defer s.Close()
	restart := mgr.RecoveryAction{Type: mgr.ServiceRestart, Delay: 10 * time.Second}
	if err := s.SetRecoveryActions([]mgr.RecoveryAction{restart, restart, restart}, 24*60*60); err != nil {
		return fmt.Errorf("set the service to restart when it fails: %w", err)
	}
	if err := eventlog.InstallAsEventCreate(serviceName, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil &&
		!errors.Is(err, windows.ERROR_ALREADY_EXISTS) && !isExists(err) {
		return fmt.Errorf("register the event log source: %w", err)
	}
	if st, err := s.Query(); err == nil && st.State == svc.Running {
		return nil
	}
	if err := s.Start(); err != nil {
		return fmt.Errorf("start the service: %w", err)
	}
	return nil
}

// isExists says whether eventlog's error says the source is registered
// already (it says so in words, not with a code).
func isExists(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "already exists")
}

// stop stops the service and waits until it has (it deletes its shadow
// copies first). Not installed, or stopped already, is no error.
func stop() error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run as an administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return nil
	}
	defer s.Close()
	return stopService(s)
}

func stopService(s *mgr.Service) error {
	st, err := s.Query()
	if err != nil {
		return err
	}
	if st.State == svc.Stopped {
		return nil
	}
	if st.State != svc.StopPending {
		if st, err = s.Control(svc.Stop); err != nil {
			return fmt.Errorf("stop the service: %w", err)
		}
	}
	deadline := time.Now().Add(stopWait)
	for st.State != svc.Stopped {
		if time.Now().After(deadline) {
			return fmt.Errorf("the service did not stop within %v", stopWait)
		}
		time.Sleep(300 * time.Millisecond) // the manager has no wait call
		if st, err = s.Query(); err != nil {
			return err
		}
	}
	return nil
}

// uninstall stops the service and removes it and its event log source.
func uninstall() error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run as an administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return nil // not installed
	}
	defer s.Close()
	if err := stopService(s); err != nil {
		return err
	}
	if err := s.Delete(); err != nil {
		return fmt.Errorf("remove the service: %w", err)
	}
	eventlog.Remove(serviceName)
	removeState()
	return nil
}

// removeState removes the state folder when it names no shadow copy (the
// service deleted them all as it stopped); one that names some is kept,
// so what could not be deleted stays known.
func removeState() {
	pd, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil {
		return
	}
	dir := filepath.Join(pd, "Cairn", "vss")
	if checkFolder(dir) != nil {
		return
	}
	l := fileLedger{path: filepath.Join(dir, "snapshots.json")}
	if ids, err := l.Load(); err != nil || len(ids) > 0 {
		return
	}
	os.Remove(l.path)
	os.Remove(dir)                        // only when empty
	os.Remove(filepath.Join(pd, "Cairn")) // only when empty: the preset may be there
}
