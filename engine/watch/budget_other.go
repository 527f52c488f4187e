//go:build !(darwin || freebsd || netbsd || openbsd || dragonfly)

package watch

// descriptorBudget returns the descriptors watches may hold: none counted
// here (inotify and Windows hold no descriptor per watch), unless
// Options.Descriptors sets a budget (tests of the kqueue path on Linux).
func descriptorBudget(o Options) int {
	if o.Descriptors > 0 {
		return o.Descriptors
	}
	return -1
}
