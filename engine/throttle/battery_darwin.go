package throttle

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// pmsetTimeout bounds one `pmset -g batt`: it answers in milliseconds, and
// a hung one must not hold the service's decision.
const pmsetTimeout = 5 * time.Second

// readBattery runs `pmset -g batt` (sysRoot is Linux's): IOKit's power
// sources API needs cgo.
func readBattery(string) (Battery, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pmsetTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/pmset", "-g", "batt").Output()
	if err != nil {
		return Battery{}, fmt.Errorf("pmset -g batt: %w", err)
	}
	return parsePmset(out)
}
