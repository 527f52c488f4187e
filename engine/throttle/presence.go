package throttle

import (
	"bytes"
	"strconv"
	"time"
)

// Presence tells how long the person has not used the keyboard or mouse.
// Implementations are safe for concurrent use; each call asks the system
// afresh, so callers poll (about once a minute is plenty).
type Presence interface {
	// Idle returns the time since the last input; false when it cannot be
	// known (no display, a Wayland session, an error).
	Idle() (time.Duration, bool)
}

// DetectPresence returns the system's Presence:
//
//   - Linux and other X11 systems: the MIT-SCREEN-SAVER extension of the X
//     server named by DISPLAY, connected on first use and again after the
//     server went away (a logout). Under Wayland (WAYLAND_DISPLAY set) the
//     X server only sees input to X programs, so idle time is unknown there.
//   - Windows: GetLastInputInfo, which sees the input of the session the
//     process runs in (Cairn's agent runs in the person's session).
//   - macOS: IOKit's HIDIdleTime, read through the ioreg tool (no cgo).
//   - Anything else: unknown.
func DetectPresence() Presence { return detectPresence() }

// unknownPresence knows nothing.
type unknownPresence struct{}

func (unknownPresence) Idle() (time.Duration, bool) { return 0, false }

// parseHIDIdleTime reads the first `"HIDIdleTime" = <nanoseconds>` in the
// output of `ioreg -c IOHIDSystem`.
func parseHIDIdleTime(out []byte) (time.Duration, bool) {
	const key = `"HIDIdleTime" = `
	i := bytes.Index(out, []byte(key))
	if i < 0 {
		return 0, false
	}
	rest := out[i+len(key):]
	if j := bytes.IndexAny(rest, "\r\n"); j >= 0 {
		rest = rest[:j]
	}
	ns, err := strconv.ParseInt(string(bytes.TrimSpace(rest)), 10, 64)
	if err != nil || ns < 0 {
		return 0, false
	}
	return time.Duration(ns), true
}
