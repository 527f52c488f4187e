//go:build !windows || !cli

package main

// startedFromExplorer is for the Windows command line only
// (main_console_windows.go).
func startedFromExplorer() (code int, ok bool) { return 0, false }
