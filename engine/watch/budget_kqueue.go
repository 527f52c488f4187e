//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package watch

import "syscall"

// descriptorBudget returns the descriptors kqueue watches may hold:
// Options.Descriptors when set, else what RLIMIT_NOFILE leaves after the
// reserve (watchBudget).
func descriptorBudget(o Options) int {
	if o.Descriptors > 0 {
		return o.Descriptors
	}
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return watchBudget(256) // macOS's default soft limit
	}
	return watchBudget(uint64(r.Cur))
}
