package testservers

import (
	"os"
	"syscall"
)

// pgUser is unused on Windows: the server runs as us.
type pgUser struct{}

// pgCredential is nobody else: Windows runs PostgreSQL as the test's user.
func pgCredential() (*pgUser, int, int, error) { return nil, -1, -1, nil }

// pgProcAttr needs nothing on Windows.
func pgProcAttr(*pgUser, bool) *syscall.SysProcAttr { return nil }

// pgInterrupt stops the server: Windows has no SIGINT to send to another
// process, so this is an immediate stop (the cluster is thrown away).
func pgInterrupt(p *os.Process) {
	p.Kill()
}

// processAlive tells whether a process with this id still exists:
// opening it fails once it has gone.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
