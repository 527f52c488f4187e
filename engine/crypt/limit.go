package crypt

import (
	"errors"
	"fmt"
)

// ErrKDFTooCostly means a key file asks for more Argon2id work than the
// caller agreed to run. A key file's parameters are chosen by whoever wrote
// it: a server unlocking key files its users upload must not let a file
// decide how much memory and time it spends (Argon2id cannot be stopped
// once started).
var ErrKDFTooCostly = errors.New("the key file's key-derivation settings are above the allowed maximum")

// Within reports whether p asks for no more than limit in memory, passes
// and lanes each; if not, an error wrapping ErrKDFTooCostly that says what
// p asks for and what limit allows.
func (p KDFParams) Within(limit KDFParams) error {
	if p.Memory <= limit.Memory && p.Time <= limit.Time && p.Threads <= limit.Threads {
		return nil
	}
	return fmt.Errorf("key file asks Argon2id for %s, %d passes and %d lanes, above the %s, %d passes and %d lanes allowed: %w",
		MiB(p.Memory), p.Time, p.Threads, MiB(limit.Memory), limit.Time, limit.Threads, ErrKDFTooCostly)
}

// MiB writes an Argon2id memory size (KiB) in MiB, for messages.
func MiB(kib uint32) string {
	if kib%1024 == 0 {
		return fmt.Sprintf("%d MiB", kib/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}
