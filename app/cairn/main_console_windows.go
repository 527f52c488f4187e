//go:build cli

package main

import (
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

// startedFromExplorer: the command line (cairn.exe, a console program)
// double-clicked in Explorer prints its help and waits for Enter
// (console.go) instead of flashing a window closed. main calls it before
// anything else; ok is false when cairn.exe was started any other way.
func startedFromExplorer() (code int, ok bool) {
	if !startedAlone(runtime.GOOS, consoleProcesses(), os.Args[1:]) {
		return 0, false
	}
	return explainAndWait(os.Stdout, os.Stdin), true
}

var procGetConsoleProcessList = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetConsoleProcessList")

// consoleProcesses is how many processes share this process's console: 1
// when Windows made the console for it (started from Explorer), more from
// a terminal, 0 without a console.
func consoleProcesses() int {
	var ids [4]uint32
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&ids[0])), uintptr(len(ids)))
	return int(n)
}
