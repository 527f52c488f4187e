package throttle

import (
	"context"
	"os/exec"
	"time"
)

func detectPresence() Presence { return ioregPresence{} }

// ioregPresence reads HIDIdleTime from ioreg: IOKit itself needs cgo.
type ioregPresence struct{}

func (ioregPresence) Idle() (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/sbin/ioreg", "-c", "IOHIDSystem", "-d", "4").Output()
	if err != nil {
		return 0, false
	}
	return parseHIDIdleTime(out)
}
