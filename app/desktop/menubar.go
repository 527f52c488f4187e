package desktop

import (
	"path/filepath"
	"strings"
)

// On macOS Cairn is a menu-bar app: its bundle's Info.plist has
// LSUIElement (installers/macos/build-dmg.sh), so it has no Dock icon. GLFW,
// under Fyne, would undo that: once AppKit has started it makes the process
// a regular app (Dock icon, menu bar) unless its "Cocoa menubar" hint is off
// (menubar_darwin.go). It is turned off only inside an app bundle: a
// program started from a terminal (bin/cairn-desktop, `go run`) has no
// Info.plist, and without GLFW's regular policy its window could not come
// to the front.

// inAppBundle says whether exe is the program of a macOS app bundle
// (…/Name.app/Contents/MacOS/program).
func inAppBundle(exe string) bool {
	macOS := filepath.Dir(exe)
	contents := filepath.Dir(macOS)
	return filepath.Base(macOS) == "MacOS" && filepath.Base(contents) == "Contents" &&
		strings.HasSuffix(filepath.Dir(contents), ".app")
}
