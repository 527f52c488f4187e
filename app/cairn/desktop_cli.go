//go:build cli

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// The command-line build (`go build -tags cli`, bin/cairn) links no GUI
// toolkit: Fyne's package initialisers run in every process that links it,
// whatever the command (they parse its translations, ask the system for its
// locale, which logs an error in a plain C locale, and lock the main thread),
// and its C libraries (GL, X11) load at start. A command run in a terminal
// needs none of it. Started without a command, this binary hands over to
// the desktop app's binary, installed next to it.

// desktopBinary is the name of the desktop app's binary, next to this one.
func desktopBinary() string {
	if runtime.GOOS == "windows" {
		return "cairn-desktop.exe"
	}
	return "cairn-desktop"
}

// startDesktop replaces this process with the desktop app (the same
// arguments and environment; CAIRN_HOME carries a home chosen with --home),
// or on Windows, which cannot, runs it and waits.
func startDesktop(home string, chosenHome, _ bool) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the desktop app: %w", err)
	}
	bin := filepath.Join(filepath.Dir(self), desktopBinary())
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("the desktop app is not installed next to this command (%s is missing): "+
			"install Cairn's desktop app, or use the commands listed by 'cairn help'", bin)
	}
	env := os.Environ()
	if chosenHome {
		env = append(env, "CAIRN_HOME="+home)
	}
	args := append([]string{bin}, os.Args[1:]...)
	if runtime.GOOS != "windows" {
		return fmt.Errorf("start the desktop app %s: %w", bin, syscall.Exec(bin, args, env))
	}
	cmd := exec.Command(bin, os.Args[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		return fmt.Errorf("start the desktop app %s: %w", bin, err)
	}
	return nil
}
