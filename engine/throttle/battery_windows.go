package throttle

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

var procGetSystemPowerStatus = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetSystemPowerStatus")

// readBattery asks GetSystemPowerStatus (sysRoot is Linux's).
func readBattery(string) (Battery, error) {
	var s systemPowerStatus
	if ok, _, err := procGetSystemPowerStatus.Call(uintptr(unsafe.Pointer(&s))); ok == 0 {
		return Battery{}, fmt.Errorf("GetSystemPowerStatus: %w", err)
	}
	return decodePowerStatus(s), nil
}
