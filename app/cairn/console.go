package main

import (
	"bufio"
	"fmt"
	"io"
)

// A console program started from Explorer (cairn.exe double-clicked in
// its install folder) gets a console window of its own, which Windows
// closes the moment the program ends: help printed there, or an error,
// would flash by unread. Started without a command, the command line
// would otherwise hand over to the desktop app and wait for it, leaving an
// empty console window open beside it for as long as the app runs.

// startedAlone reports whether cairn was started by a double-click rather
// than typed in a terminal: on Windows, with no command, and the only
// process attached to its console (consoleProcesses, from
// GetConsoleProcessList; a terminal's shell is attached too, and a
// program with no console counts 0).
func startedAlone(goos string, consoleProcesses int, args []string) bool {
	return goos == "windows" && consoleProcesses == 1 && len(args) == 0
}

// explainAndWait prints the help, says where the commands are typed and
// where the app is, and waits for Enter before the window closes.
func explainAndWait(w io.Writer, r io.Reader) int {
	usage(w)
	fmt.Fprintln(w, "\nThis is Cairn's command line: type these commands in Command Prompt or PowerShell.")
	fmt.Fprintln(w, "To open Cairn, choose Cairn in the Start menu.")
	fmt.Fprint(w, "\nPress Enter to close this window.")
	bufio.NewReader(r).ReadString('\n')
	return exitOK
}
