//go:build unix && !linux

package testservers

import "syscall"

// setParentDeathSignal does nothing: only Linux stops a child when its
// parent dies. A cluster left behind is removed by the next run
// (pgRemoveStale).
func setParentDeathSignal(*syscall.SysProcAttr) {}
