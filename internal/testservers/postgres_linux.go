package testservers

import "syscall"

// setParentDeathSignal makes the kernel send the server SIGINT (a fast
// shutdown) when the test binary dies without calling StopPostgres.
func setParentDeathSignal(a *syscall.SysProcAttr) {
	a.Pdeathsig = syscall.SIGINT
}
