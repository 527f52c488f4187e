//go:build !windows

package snapshot

// New is nil off Windows: a file is never held without sharing there, so a
// pass has nothing to ask.
func New() Opener { return nil }
