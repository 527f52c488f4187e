//go:build !windows && !darwin

package throttle

import (
	"path/filepath"
	"runtime"
)

// readBattery reads Linux's sysfs; the BSDs have no battery reading yet.
func readBattery(sysRoot string) (Battery, error) {
	if runtime.GOOS != "linux" {
		return Battery{}, nil
	}
	if sysRoot == "" {
		sysRoot = "/sys"
	}
	return readPowerSupply(filepath.Join(sysRoot, "class", "power_supply"))
}
