//go:build unix

package testservers

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// pgUser is who the server runs as when that is not us.
type pgUser = syscall.Credential

// pgCredential is who the server runs as: PostgreSQL refuses to run as
// root, so root runs it as the postgres user the Debian package makes.
func pgCredential() (*pgUser, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, -1, -1, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("running as root, PostgreSQL needs the postgres user (package postgresql makes it): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, uid, gid, nil
}

// pgProcAttr runs a PostgreSQL program as cred (nil: as us); the server
// itself (dieWithParent) is also stopped should the test binary die,
// where the kernel offers that.
func pgProcAttr(cred *pgUser, dieWithParent bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Credential: cred}
	if dieWithParent {
		setParentDeathSignal(a)
	}
	return a
}

// pgInterrupt asks the server for a "fast" shutdown.
func pgInterrupt(p *os.Process) {
	p.Signal(syscall.SIGINT)
}

// processAlive tells whether a process with this id still exists.
func processAlive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
