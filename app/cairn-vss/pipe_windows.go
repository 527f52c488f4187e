//go:build windows

package main

import (
	"errors"
	"fmt"
	"net"
	"runtime"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"

	"github.com/cairnbackup/cairn/engine/snapshot"
)

// listen makes the service's pipe (pipeSecurity). Being its first
// instance, it fails when another program holds the name.
func listen() (net.Listener, error) {
	l, err := winio.ListenPipe(snapshot.PipeName, &winio.PipeConfig{SecurityDescriptor: pipeSecurity,
		InputBufferSize: snapshot.MaxMessage + 4, OutputBufferSize: snapshot.MaxMessage + 4})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", snapshot.PipeName, err)
	}
	return l, nil
}

var procImpersonateNamedPipeClient = windows.NewLazySystemDLL("advapi32.dll").NewProc("ImpersonateNamedPipeClient")

// clientSID is the account of the process at the other end of c, as the
// pipe tells it: the service takes on the caller's identity for a moment
// (Cairn connects at identification level: enough to read its account,
// not to act as it) and reads its token. A caller that connected
// anonymously is refused.
func clientSID(c net.Conn) (string, error) {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return "", errors.New("not a named pipe connection")
	}
	// Impersonation belongs to the thread: keep this goroutine on it.
	runtime.LockOSThread()
	r, _, callErr := procImpersonateNamedPipeClient.Call(f.Fd())
	if r == 0 {
		runtime.UnlockOSThread()
		return "", fmt.Errorf("identify the caller: %w", callErr)
	}
	var t windows.Token
	err := windows.OpenThreadToken(windows.CurrentThread(), windows.TOKEN_QUERY, true, &t)
	if rerr := windows.RevertToSelf(); rerr != nil {
		// The thread still acts as the caller: leave it locked, so it
		// ends with this goroutine instead of serving others.
		if err == nil {
			t.Close()
		}
		return "", fmt.Errorf("stop acting as the caller: %w", rerr)
	}
	runtime.UnlockOSThread()
	if err != nil {
		return "", fmt.Errorf("read the caller's token: %w", err)
	}
	defer t.Close()
	u, err := t.GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("read the caller's account: %w", err)
	}
	if u.User.Sid.IsWellKnown(windows.WinAnonymousSid) {
		return "", errors.New("an anonymous caller")
	}
	return u.User.Sid.String(), nil
}
