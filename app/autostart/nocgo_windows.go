//go:build windows && !cgo

package autostart

import (
	"os"
	"path/filepath"
)

// go-autostart makes the Windows shortcut through COM, in C, which a build
// without cgo cannot: it cannot turn starting at login on, but it sees and
// removes the shortcut a cgo build made (where go-autostart puts it).

func shortcut() string {
	return filepath.Join(os.Getenv("USERPROFILE"), "AppData", "Roaming", "Microsoft", "Windows", "Start Menu",
		"Programs", "Startup", DisplayName+".lnk")
}

func enable([]string) error { return ErrNotSupported }

func disable() error { return os.Remove(shortcut()) }

func enabled() bool {
	_, err := os.Stat(shortcut())
	return err == nil
}
