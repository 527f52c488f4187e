//go:build cli

package main

import (
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The command line (cairn.exe, a console program) double-clicked in
// Explorer prints its help and waits for Enter (console.go) instead of
// flashing a window closed. This is an init function so that main.go
// stays as it is; it runs after main.go's, which fills the command list
// the help prints (the go command initialises a package's files in the
// order of their names, and "main.go" < "main_console_windows.go").
func init() {
	if !startedAlone(runtime.GOOS, consoleProcesses(), os.Args[1:]) {
		return
	}
	os.Exit(explainAndWait(os.Stdout, os.Stdin))
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
