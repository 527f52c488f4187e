package throttle

import (
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	procGetLastInputInfo = windows.NewLazySystemDLL("user32.dll").NewProc("GetLastInputInfo")
	procGetTickCount     = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetTickCount")
)

func detectPresence() Presence { return lastInputPresence{} }

// lastInputPresence asks GetLastInputInfo, which gives the tick count
// (milliseconds since boot, 32 bits) of the session's last input.
type lastInputPresence struct{}

func (lastInputPresence) Idle() (time.Duration, bool) {
	info := struct{ cbSize, dwTime uint32 }{cbSize: 8}
	if ok, _, _ := procGetLastInputInfo.Call(uintptr(unsafe.Pointer(&info))); ok == 0 {
		return 0, false
	}
	now, _, _ := procGetTickCount.Call()
	// Unsigned 32-bit subtraction is right across the wrap every 49.7 days.
	return time.Duration(uint32(now)-info.dwTime) * time.Millisecond, true
}
