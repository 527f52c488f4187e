//go:build windows

package control

import (
	"errors"
	"fmt"
	"net"

	"golang.org/x/sys/windows"
)

// currentUser is the account this process runs as.
func currentUser() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("find the account Cairn runs as: %w", err)
	}
	return u.User.Sid.Copy()
}

// processUser is the account the process pid runs as.
func processUser(pid uint32) (*windows.SID, error) {
	p, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return nil, fmt.Errorf("open process %d: %w", pid, err)
	}
	defer windows.CloseHandle(p)
	var t windows.Token
	if err := windows.OpenProcessToken(p, windows.TOKEN_QUERY, &t); err != nil {
		return nil, fmt.Errorf("read the account of process %d: %w", pid, err)
	}
	defer t.Close()
	u, err := t.GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("read the account of process %d: %w", pid, err)
	}
	return u.User.Sid.Copy()
}

// pipeHandle is the handle of a go-winio pipe connection.
func pipeHandle(c net.Conn) (windows.Handle, error) {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return 0, errors.New("not a named pipe connection")
	}
	return windows.Handle(f.Fd()), nil
}

// checkPeer refuses a client that runs as another account (administrators
// and SYSTEM included): the pipe's DACL already keeps them out, this keeps
// them out if it is ever wrong.
func checkPeer(c net.Conn, me *windows.SID) error {
	h, err := pipeHandle(c)
	if err != nil {
		return err
	}
	var pid uint32
	if err := windows.GetNamedPipeClientProcessId(h, &pid); err != nil {
		return fmt.Errorf("ask who is calling: %w", err)
	}
	return sameAccount(pid, me, "the calling process")
}

// checkServer refuses an owner that runs as another account: a program
// that took the pipe's name first must not read this person's commands and
// passwords.
func checkServer(c net.Conn, me *windows.SID) error {
	h, err := pipeHandle(c)
	if err != nil {
		return err
	}
	var pid uint32
	if err := windows.GetNamedPipeServerProcessId(h, &pid); err != nil {
		return fmt.Errorf("ask who serves the pipe: %w", err)
	}
	return sameAccount(pid, me, "the process serving the pipe")
}

// errOtherAccount means the process at the other end of a pipe runs as
// another account.
var errOtherAccount = errors.New("runs as another account")

func sameAccount(pid uint32, me *windows.SID, who string) error {
	u, err := processUser(pid)
	if err != nil {
		return err
	}
	if !u.Equals(me) {
		return fmt.Errorf("%s (%d, %s) %w: not let in", who, pid, u, errOtherAccount)
	}
	return nil
}
