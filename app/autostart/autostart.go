// Package autostart starts Cairn when the person logs in, in the tray
// without its window (`cairn --hidden`). It is on by default; a setting
// turns it off, and Sync makes the system match that setting.
//
// On macOS (a LaunchAgent) and Windows (a shortcut in the Startup folder) it
// uses github.com/emersion/go-autostart. On Linux and the BSDs it writes the
// XDG autostart entry itself, $XDG_CONFIG_HOME/autostart/org.cairnbackup.cairn.desktop
// (the name of the packages' system-wide entry, which it replaces),
// because go-autostart fixes that folder when the program starts (tests and
// a changed environment would touch the real one) and quotes the command
// with Go's rules rather than the Desktop Entry ones ($, `, % and \ come out
// wrong).
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// HiddenArg starts the desktop app in the tray, without its window.
const HiddenArg = "--hidden"

// DisplayName is how the system lists Cairn among the programs started at
// login.
const DisplayName = "Cairn"

// ErrNotSupported is returned where this build cannot start Cairn at login.
var ErrNotSupported = errors.New("starting at login is not supported in this build of Cairn")

// ErrTransient means Cairn runs from a place that goes away (a disk image,
// a quarantined copy macOS moved aside): a login item there would point at
// nothing.
var ErrTransient = errors.New("Cairn runs from a disk image or a temporary copy: move it to Applications and start it from there, then it can start at login")

// Enable starts Cairn at login as `exe --hidden args...`; exe "" is the
// running program. It replaces an entry made before, so a Cairn that moved
// starts from where it is now.
func Enable(exe string, args ...string) error {
	exe, err := program(exe)
	if err != nil {
		return err
	}
	if transient(exe) {
		return ErrTransient
	}
	if err := enable(append([]string{exe, HiddenArg}, args...)); err != nil && !errors.Is(err, ErrNotSupported) {
		return fmt.Errorf("start at login: %w", err)
	} else if err != nil {
		return err
	}
	return nil
}

// Disable no longer starts Cairn at login. It is not an error when it did
// not.
func Disable() error {
	if err := disable(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stop starting at login: %w", err)
	}
	return nil
}

// Enabled reports whether Cairn starts at login.
func Enabled() bool { return enabled() }

// Sync makes starting at login match want (the setting), starting the
// running program with no arguments but --hidden. It does what is needed
// and no more: calling it at every start is the intended use.
func Sync(want bool) error {
	if want {
		return Enable("")
	}
	return Disable()
}

// program is exe, or the running program, made absolute with its symbolic
// links resolved (a package manager's /usr/bin link may move, the file it
// points to is what runs). An AppImage runs from a mount that changes at
// every start: the AppImage file itself, in $APPIMAGE, is the program.
func program(exe string) (string, error) {
	if exe == "" {
		exe = os.Getenv("APPIMAGE")
	}
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", fmt.Errorf("find the running program: %w", err)
		}
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return exe, nil
}

// transient reports whether a program path will not be there at the next
// login: on macOS, a mounted disk image (/Volumes/…) or App Translocation's
// random read-only copy of a quarantined app.
func transient(exe string) bool {
	p := filepath.ToSlash(exe)
	return strings.HasPrefix(p, "/Volumes/") || strings.Contains(p, "/AppTranslocation/")
}
