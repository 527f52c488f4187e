//go:build !cli

package main

import "github.com/cairnbackup/cairn/app/desktop"

// startDesktop runs the desktop app in this process: this binary links the
// GUI toolkit (the default build, and bin/cairn-desktop).
func startDesktop(home string, chosenHome, hidden bool) error {
	o := desktop.Options{Hidden: hidden, Commands: ownerCommands}
	if chosenHome {
		o.Home = home
	}
	return desktop.Run(home, o)
}
